"""Colour-vision checks for tests: colour-blindness simulation, CIEDE2000 colour difference, WCAG contrast (numpy only).

Simulation: Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of Color Vision
Deficiency", the matrices for severity 1.0 (protanopia, deuteranopia, tritanopia), applied in linear sRGB.
Difference: CIEDE2000 (Sharma, Wu & Dalal 2005) between CIELAB colours under D65.
"""

import numpy as np

MACHADO_2009: dict[str, np.ndarray] = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
_SRGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
_D65 = np.array([0.95047, 1.0, 1.08883])


def hex_rgb(colour: str) -> np.ndarray:
    """'#RRGGBB' as three sRGB values in 0…255."""
    digits = colour.removeprefix("#")
    return np.array([int(digits[i : i + 2], 16) for i in (0, 2, 4)], dtype=float)


def to_linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB values in 0…255 (any shape ending in 3) to linear light in 0…1."""
    c = np.asarray(srgb, dtype=float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: np.ndarray) -> np.ndarray:
    """Linear light in 0…1 to sRGB values in 0…255 (clipped to the gamut)."""
    c = np.clip(linear, 0.0, 1.0)
    return 255.0 * np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(srgb: np.ndarray, deficiency: str) -> np.ndarray:
    """How sRGB colours (0…255, any shape ending in 3) look to someone with the deficiency, as sRGB 0…255."""
    return to_srgb(to_linear(srgb) @ MACHADO_2009[deficiency].T)


def to_lab(srgb: np.ndarray) -> np.ndarray:
    """sRGB (0…255) to CIELAB under D65."""
    xyz = (to_linear(srgb) @ _SRGB_TO_XYZ.T) / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference between CIELAB colours (broadcasting over leading axes)."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dhh = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        c1p * c2p == 0,
        h_sum,
        np.where(np.abs(h1p - h2p) <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    sl = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    sc = 1 + 0.045 * cp_mean
    sh = 1 + 0.015 * cp_mean * t
    rt = (
        -2
        * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
        * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2))))
    )
    return np.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh))


def relative_luminance(srgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (0…255)."""
    return to_linear(srgb) @ np.array([0.2126, 0.7152, 0.0722])


def contrast(srgb1: np.ndarray, srgb2: np.ndarray) -> np.ndarray:
    """WCAG contrast ratio (1…21) between two sRGB colours (0…255)."""
    y1, y2 = relative_luminance(srgb1), relative_luminance(srgb2)
    return (np.maximum(y1, y2) + 0.05) / (np.minimum(y1, y2) + 0.05)


def worst_difference(colours: dict[str, np.ndarray]) -> dict[str, tuple[float, str, str]]:
    """Per vision (normal and each simulated deficiency): the smallest CIEDE2000 between two colours, and which."""
    names = list(colours)
    worst: dict[str, tuple[float, str, str]] = {}
    for vision in ("normal", *MACHADO_2009):
        seen = {n: colours[n] if vision == "normal" else simulate(colours[n], vision) for n in names}
        lab = {n: to_lab(c) for n, c in seen.items()}
        pairs = [(float(ciede2000(lab[a], lab[b])), a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
        worst[vision] = min(pairs)
    return worst
