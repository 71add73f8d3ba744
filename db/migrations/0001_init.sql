-- Desk ledger, schema version 1.
--
-- Conventions
--   * Money is whole 元 in INTEGER columns named *_yuan (美元 in *_usd); Desk enters and
--     shows it in 万元 (万美元). Exact sums in SQL, no floating point.
--   * Dates are ISO text 'YYYY-MM-DD', timestamps 'YYYY-MM-DDTHH:MM:SS', months 'YYYY-MM'.
--   * Enumerated values are the English codes of desk/core/glossary.py; the CHECK lists
--     below are kept equal to it by tests/unit/test_glossary.py.
--   * Flags are 0/1 integers; lists that a clerk types (配合单位 …) are plain text.
-- Applied by desk/store/migrate.py inside one exclusive transaction.

CREATE TABLE settings (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL CHECK (json_valid(value))
);

-- Rule profiles (认定标准) the ledger knows; settings.rule_profile names the one in use.
CREATE TABLE rule_profiles (
    name        TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    source      TEXT NOT NULL,           -- the TOML text, kept so the ledger is self-contained
    sha256      TEXT NOT NULL,
    builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    imported_at TEXT NOT NULL
);

-- Units: district → townships / streets / departments.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    kind        TEXT NOT NULL CHECK (kind IN ('city', 'district', 'township', 'street', 'department', 'zone')),
    parent_id   INTEGER REFERENCES units(id) ON DELETE RESTRICT,
    code        TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    CHECK (parent_id IS NULL OR parent_id <> id)
);

-- Investment teams (招商小分队).
CREATE TABLE teams (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    lead_unit     TEXT NOT NULL DEFAULT '',
    member_units  TEXT NOT NULL DEFAULT '',
    leaders       TEXT NOT NULL DEFAULT '',
    sector_focus  TEXT NOT NULL DEFAULT '',
    unit_id       INTEGER REFERENCES units(id) ON DELETE SET NULL,
    note          TEXT NOT NULL DEFAULT ''
);

-- Trips (外出招商).
CREATE TABLE trips (
    id                 INTEGER PRIMARY KEY,
    team_id            INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    start_on           TEXT NOT NULL,
    end_on             TEXT,
    destination        TEXT NOT NULL DEFAULT '',
    companies_visited  INTEGER NOT NULL DEFAULT 0 CHECK (companies_visited >= 0),
    note               TEXT NOT NULL DEFAULT '',
    CHECK (end_on IS NULL OR end_on >= start_on)
);
CREATE INDEX trips_team ON trips(team_id, start_on);

-- Leads (招商线索).
CREATE TABLE leads (
    id                 INTEGER PRIMARY KEY,
    company            TEXT NOT NULL DEFAULT '',
    person_name        TEXT NOT NULL DEFAULT '',
    visit_date         TEXT,
    address            TEXT NOT NULL DEFAULT '',
    position           TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    wechat             TEXT NOT NULL DEFAULT '',
    business_scope     TEXT NOT NULL DEFAULT '',
    intent_industry    TEXT NOT NULL DEFAULT '',
    intent_amount_yuan INTEGER CHECK (intent_amount_yuan >= 0),
    intent_location    TEXT NOT NULL DEFAULT '',
    intent_form        TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL DEFAULT 'team'
                       CHECK (source IN ('team', 'township', 'department', 'intermediary')),
    team_id            INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    trip_id            INTEGER REFERENCES trips(id) ON DELETE SET NULL,
    source_unit_id     INTEGER REFERENCES units(id) ON DELETE SET NULL,
    intermediary       TEXT NOT NULL DEFAULT '',
    owner_clerk        TEXT NOT NULL DEFAULT '',
    state              TEXT NOT NULL DEFAULT 'lead'
                       CHECK (state IN ('lead', 'negotiating', 'signed', 'landed', 'shelved', 'abandoned')),
    state_reason       TEXT NOT NULL DEFAULT '',
    project_id         INTEGER REFERENCES projects(id) ON DELETE SET NULL,
    unit_id            INTEGER REFERENCES units(id) ON DELETE SET NULL,
    note               TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (length(trim(company)) > 0 OR length(trim(person_name)) > 0),
    CHECK (state NOT IN ('shelved', 'abandoned') OR length(trim(state_reason)) > 0),
    CHECK (state <> 'landed' OR project_id IS NOT NULL)
);
CREATE INDEX leads_state ON leads(state);
CREATE INDEX leads_team ON leads(team_id);
CREATE INDEX leads_project ON leads(project_id);

-- Follow-ups of a lead (跟进记录).
CREATE TABLE lead_followups (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    on_date    TEXT NOT NULL,
    what       TEXT NOT NULL CHECK (length(trim(what)) > 0),
    next_step  TEXT NOT NULL DEFAULT '',
    next_date  TEXT
);
CREATE INDEX lead_followups_lead ON lead_followups(lead_id, on_date);

-- Projects (项目).
CREATE TABLE projects (
    id                      INTEGER PRIMARY KEY,
    code                    TEXT NOT NULL DEFAULT '',
    name                    TEXT NOT NULL CHECK (length(trim(name)) > 0),
    unit_id                 INTEGER NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
    owner_company           TEXT NOT NULL DEFAULT '',
    location                TEXT NOT NULL DEFAULT '',
    category                TEXT NOT NULL
                            CHECK (category IN ('industrial', 'agricultural', 'service', 'tourism', 'other')),
    industry                TEXT NOT NULL DEFAULT '',
    construction_kind       TEXT NOT NULL DEFAULT 'new'
                            CHECK (construction_kind IN ('new', 'expansion', 'renovation', 'relocation')),
    stage                   TEXT NOT NULL
                            CHECK (stage IN ('reserve', 'signed', 'preliminary', 'new_start', 'construction',
                                             'completed', 'production', 'stopped', 'resumed')),
    stage_date              TEXT,
    total_investment_yuan   INTEGER NOT NULL DEFAULT 0 CHECK (total_investment_yuan >= 0),
    year_plan_yuan          INTEGER CHECK (year_plan_yuan >= 0),
    planned_start           TEXT,
    planned_completion      TEXT,
    start_date              TEXT,
    completion_date         TEXT,
    scale_content           TEXT NOT NULL DEFAULT '',
    leader                  TEXT NOT NULL DEFAULT '',
    responsible_unit        TEXT NOT NULL DEFAULT '',
    cooperating_units       TEXT NOT NULL DEFAULT '',
    steward                 TEXT NOT NULL DEFAULT '',
    team_six                TEXT NOT NULL DEFAULT '',
    contact_person          TEXT NOT NULL DEFAULT '',
    contact_phone           TEXT NOT NULL DEFAULT '',
    project_class           TEXT CHECK (project_class IN ('A', 'B', 'C', 'D')),
    in_statistics           INTEGER NOT NULL DEFAULT 0 CHECK (in_statistics IN (0, 1)),
    flags                   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(flags) AND json_type(flags) = 'array'),
    source_lead_id          INTEGER REFERENCES leads(id) ON DELETE SET NULL,
    archived                INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    note                    TEXT NOT NULL DEFAULT '',
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    CHECK (completion_date IS NULL OR start_date IS NULL OR completion_date >= start_date),
    CHECK (planned_completion IS NULL OR planned_start IS NULL OR planned_completion >= planned_start)
);
CREATE INDEX projects_unit ON projects(unit_id);
CREATE INDEX projects_stage ON projects(stage);
CREATE INDEX projects_name ON projects(name);

-- One project's report for one month (月调度).
CREATE TABLE project_months (
    id                      INTEGER PRIMARY KEY,
    project_id              INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    month                   TEXT NOT NULL CHECK (month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
    stage                   TEXT NOT NULL
                            CHECK (stage IN ('reserve', 'signed', 'preliminary', 'new_start', 'construction',
                                             'completed', 'production', 'stopped', 'resumed')),
    invested_month_yuan     INTEGER NOT NULL DEFAULT 0 CHECK (invested_month_yuan >= 0),
    invested_ytd_yuan       INTEGER NOT NULL DEFAULT 0 CHECK (invested_ytd_yuan >= invested_month_yuan),
    invested_total_yuan     INTEGER CHECK (invested_total_yuan >= 0),
    progress                TEXT NOT NULL DEFAULT '',
    evidence                TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(evidence) AND json_type(evidence) = 'array'),
    project_class           TEXT CHECK (project_class IN ('A', 'B', 'C', 'D')),
    in_statistics           INTEGER NOT NULL DEFAULT 0 CHECK (in_statistics IN (0, 1)),
    statistics_ytd_yuan     INTEGER CHECK (statistics_ytd_yuan >= 0),
    domestic_funds_yuan     INTEGER NOT NULL DEFAULT 0 CHECK (domestic_funds_yuan >= 0),
    foreign_funds_usd       INTEGER NOT NULL DEFAULT 0 CHECK (foreign_funds_usd >= 0),
    problems_note           TEXT NOT NULL DEFAULT '',
    updated_at              TEXT NOT NULL,
    updated_by              TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, month)
);
CREATE INDEX project_months_month ON project_months(month);

-- Stage history (each move dated).
CREATE TABLE stage_changes (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    from_stage  TEXT CHECK (from_stage IN ('reserve', 'signed', 'preliminary', 'new_start', 'construction',
                                           'completed', 'production', 'stopped', 'resumed')),
    to_stage    TEXT NOT NULL
                CHECK (to_stage IN ('reserve', 'signed', 'preliminary', 'new_start', 'construction',
                                    'completed', 'production', 'stopped', 'resumed')),
    on_date     TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    clerk       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX stage_changes_project ON stage_changes(project_id, on_date);

-- Preliminary approvals (前期手续).
CREATE TABLE approvals (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('project_approval', 'land', 'planning', 'environment', 'energy',
                                 'construction_permit')),
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'in_progress', 'done', 'not_required')),
    approved_on  TEXT,
    document_no  TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, kind),
    CHECK (status = 'done' OR approved_on IS NULL)
);

-- Task breakdown (任务分解表).
CREATE TABLE tasks (
    id                 INTEGER PRIMARY KEY,
    year               INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    section            TEXT NOT NULL DEFAULT 'construction'
                       CHECK (section IN ('investment', 'construction', 'support', 'other')),
    seq                TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL CHECK (length(trim(name)) > 0),
    content            TEXT NOT NULL DEFAULT '',
    indicator          TEXT NOT NULL DEFAULT 'count'
                       CHECK (indicator IN ('count', 'amount_wan', 'amount_yi', 'amount_usd_yi', 'rate', 'text')),
    metric             TEXT CHECK (metric IN ('new_starts', 'completions', 'continuing', 'resumed',
                                              'resumption_rate', 'signed_projects', 'signed_investment',
                                              'domestic_funds', 'foreign_funds', 'reserve_packaged',
                                              'leader_helped', 'leads', 'visits',
                                              'fixed_asset_investment')),
    deadline           TEXT,
    deadline_text      TEXT NOT NULL DEFAULT '',
    lead_units         TEXT NOT NULL DEFAULT '',
    cooperating_units  TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT 'in_progress'
                       CHECK (status IN ('not_started', 'in_progress', 'done')),
    note               TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_year ON tasks(year, section, seq);

-- A task's planned value per unit. Decimal values are kept as exact decimal text.
CREATE TABLE task_targets (
    id             INTEGER PRIMARY KEY,
    task_id        INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id        INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    planned        TEXT CHECK (planned IS NULL OR CAST(planned AS REAL) >= 0),
    planned_text   TEXT NOT NULL DEFAULT '',
    actual_manual  TEXT CHECK (actual_manual IS NULL OR CAST(actual_manual AS REAL) >= 0),
    note           TEXT NOT NULL DEFAULT '',
    UNIQUE (task_id, unit_id)
);

-- Yearly targets per unit for what the ledger counts (目标).
CREATE TABLE targets (
    id                   INTEGER PRIMARY KEY,
    unit_id              INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    year                 INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    metric               TEXT NOT NULL
                         CHECK (metric IN ('new_starts', 'completions', 'continuing', 'resumed',
                                           'resumption_rate', 'signed_projects', 'signed_investment',
                                           'domestic_funds', 'foreign_funds', 'reserve_packaged',
                                           'leader_helped', 'leads', 'visits',
                                           'fixed_asset_investment')),
    value                TEXT NOT NULL CHECK (CAST(value AS REAL) >= 0),
    min_investment_yuan  INTEGER CHECK (min_investment_yuan >= 0),
    note                 TEXT NOT NULL DEFAULT '',
    UNIQUE (unit_id, year, metric, min_investment_yuan)
);

-- Problems to coordinate (存在问题 / 协调事项): 限时办结、超时预警、办结销号.
CREATE TABLE problems (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    task_id     INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
    detail      TEXT NOT NULL DEFAULT '',
    owner_unit  TEXT NOT NULL DEFAULT '',
    leader      TEXT NOT NULL DEFAULT '',
    deadline    TEXT,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'in_progress', 'resolved', 'closed')),
    resolution  TEXT NOT NULL DEFAULT '',
    created_on  TEXT NOT NULL,
    closed_on   TEXT,
    CHECK (state IN ('open', 'in_progress') OR length(trim(resolution)) > 0)
);
CREATE INDEX problems_project ON problems(project_id);
CREATE INDEX problems_task ON problems(task_id);
CREATE INDEX problems_open ON problems(state, deadline);

-- File contents, stored once per SHA-256 (the same photo attached twice is one blob).
CREATE TABLE blobs (
    sha256  TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size    INTEGER NOT NULL CHECK (size >= 0),
    data    BLOB NOT NULL
);

-- Evidence attached to a project-month (认定证据: site photos, documents).
CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    month       TEXT NOT NULL CHECK (month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
    kind        TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
    filename    TEXT NOT NULL,
    mime        TEXT NOT NULL DEFAULT '',
    size        INTEGER NOT NULL CHECK (size >= 0),
    sha256      TEXT NOT NULL REFERENCES blobs(sha256),
    taken_at    TEXT,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX attachments_project ON attachments(project_id, month);
CREATE INDEX attachments_sha ON attachments(sha256);

-- Monthly submissions (月报) and their versions (更正).
CREATE TABLE submissions (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
    month            TEXT NOT NULL CHECK (month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
    version          INTEGER NOT NULL CHECK (version >= 1),
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'superseded')),
    reason           TEXT NOT NULL DEFAULT '',
    changes          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(changes)),
    signer           TEXT NOT NULL DEFAULT '',
    reviewer         TEXT NOT NULL DEFAULT '',
    head             TEXT NOT NULL DEFAULT '',
    files            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(files)),
    manifest_sha256  TEXT NOT NULL DEFAULT '',
    folder           TEXT NOT NULL DEFAULT '',
    late             INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    created_at       TEXT NOT NULL,
    submitted_at     TEXT,
    UNIQUE (unit_id, month, version),
    CHECK (version = 1 OR length(trim(reason)) > 0)
);

-- The unit's signing identity (one row) and certificates of other units it receives from.
CREATE TABLE identity (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    unit_name   TEXT NOT NULL,
    cert_pem    TEXT NOT NULL,
    key_pem     TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT 'generated' CHECK (source IN ('generated', 'pkcs12')),
    chain_pem   TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

CREATE TABLE known_certs (
    id           INTEGER PRIMARY KEY,
    unit_name    TEXT NOT NULL,
    cert_pem     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL UNIQUE,
    imported_at  TEXT NOT NULL
);

-- Column mappings a clerk confirmed for imported spreadsheets, keyed by their header.
CREATE TABLE import_mappings (
    header_key  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('projects', 'leads')),
    mapping     TEXT NOT NULL CHECK (json_valid(mapping)),
    updated_at  TEXT NOT NULL
);

-- The audit trail: every change, who made it, old → new.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    clerk      TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    summary    TEXT NOT NULL DEFAULT '',
    changes    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(changes))
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
