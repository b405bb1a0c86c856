CREATE TABLE ci (
	id BIGINT NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	class VARCHAR(64) NOT NULL, 
	status VARCHAR(32) NOT NULL, 
	criticality VARCHAR(16), 
	environment VARCHAR(32), 
	location VARCHAR(128), 
	owner VARCHAR(128), 
	updated_at DATETIME NOT NULL, 
	attributes TEXT, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_ci_name ON ci (name);

CREATE INDEX ix_ci_updated_at ON ci (updated_at);

CREATE TABLE relationship (
	id BIGINT NOT NULL, 
	source_id BIGINT NOT NULL, 
	target_id BIGINT NOT NULL, 
	type VARCHAR(32) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_relationship_source ON relationship (source_id);

CREATE INDEX ix_relationship_target ON relationship (target_id);

CREATE INDEX ix_relationship_updated_at ON relationship (updated_at);

CREATE TABLE incident (
	number VARCHAR(32) NOT NULL, 
	ci_id BIGINT, 
	priority SMALLINT NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	opened_at DATETIME NOT NULL, 
	resolved_at DATETIME, 
	summary VARCHAR(255) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	assignment_group VARCHAR(128), 
	category VARCHAR(128), 
	location VARCHAR(128), 
	contact_type VARCHAR(64), 
	business_service VARCHAR(255), 
	PRIMARY KEY (number)
);

CREATE INDEX ix_incident_ci ON incident (ci_id);

CREATE INDEX ix_incident_updated_at ON incident (updated_at);

CREATE TABLE health (
	id BIGINT NOT NULL, 
	ci_id BIGINT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	metric VARCHAR(64) NOT NULL, 
	value FLOAT, 
	observed_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_health_ci_observed ON health (ci_id, observed_at);

CREATE INDEX ix_health_observed_at ON health (observed_at);

CREATE TABLE change (
	number VARCHAR(32) NOT NULL, 
	ci_id BIGINT NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	summary VARCHAR(255) NOT NULL, 
	planned_start DATETIME, 
	planned_end DATETIME, 
	actual_start DATETIME, 
	actual_end DATETIME, 
	updated_at DATETIME NOT NULL, 
	type VARCHAR(32), 
	assignment_group VARCHAR(128), 
	PRIMARY KEY (number)
);

CREATE INDEX ix_change_ci ON change (ci_id);

CREATE INDEX ix_change_updated_at ON change (updated_at);

CREATE TABLE incident_history (
	number VARCHAR(32) NOT NULL, 
	seq INTEGER NOT NULL, 
	field VARCHAR(32) NOT NULL, 
	old_value VARCHAR(128), 
	new_value VARCHAR(128), 
	changed_at DATETIME, 
	PRIMARY KEY (number, seq, field)
);

CREATE INDEX ix_incident_history_changed_at ON incident_history (changed_at);

CREATE TABLE call_traffic (
	source_id BIGINT NOT NULL, 
	target_id BIGINT NOT NULL, 
	bucket_start DATETIME NOT NULL, 
	bucket_seconds INTEGER NOT NULL, 
	requests BIGINT NOT NULL, 
	errors BIGINT NOT NULL, 
	p50_ms DOUBLE, 
	p95_ms DOUBLE, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (source_id, target_id, bucket_start)
);

CREATE INDEX ix_call_traffic_bucket_start ON call_traffic (bucket_start);

CREATE INDEX ix_call_traffic_target ON call_traffic (target_id);
