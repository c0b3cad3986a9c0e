/**
 * Schema migrations, applied in order by `migrate`. Append-only: once released, a migration is
 * never edited; a change is a new entry. `PRAGMA user_version` records how far a database got.
 * They live in TypeScript rather than .sql files so that `tsc` ships them with no copy step.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "scans, accounts (with activity history), findings, decisions, audit log",
    sql: `
      CREATE TABLE scans (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        error TEXT,
        identities INTEGER,
        findings INTEGER,
        score INTEGER,
        score_breakdown TEXT,
        blind_spots TEXT,
        coverage TEXT,
        requests INTEGER
      );
      CREATE INDEX scans_by_status ON scans (status, id);

      -- One row per machine identity ever seen; snapshot holds the latest MachineIdentity as JSON.
      -- last_active_at is warden's own memory of activity: the source keeps transaction logs only
      -- about 8 weeks, so dormancy beyond that rests on it (with first_seen_at as its start).
      CREATE TABLE accounts (
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        name TEXT NOT NULL,
        owner_email TEXT,
        active INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        last_active_at TEXT,
        last_scan_id INTEGER NOT NULL REFERENCES scans (id),
        PRIMARY KEY (source, id)
      );
      -- No index on user_name: lookups compare it case-insensitively (an index would not serve
      -- them), a scan of even 50,000 rows takes milliseconds, and the index would slow every scan's write.
      CREATE INDEX accounts_by_scan ON accounts (last_scan_id);

      CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        summary TEXT NOT NULL,
        evidence TEXT NOT NULL,
        remediation TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        resolved_at TEXT,
        first_scan_id INTEGER NOT NULL REFERENCES scans (id),
        last_scan_id INTEGER NOT NULL REFERENCES scans (id),
        resolved_scan_id INTEGER REFERENCES scans (id),
        FOREIGN KEY (source, account_id) REFERENCES accounts (source, id)
      );
      -- At most one open finding per account and rule.
      CREATE UNIQUE INDEX findings_open ON findings (source, account_id, rule) WHERE resolved_at IS NULL;
      CREATE INDEX findings_by_resolved ON findings (resolved_at);
      CREATE INDEX findings_by_first_seen ON findings (first_seen_at);

      -- Remediation decisions taken from chat (who, what, before/after, outcome).
      CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('disable', 'restrict', 'keep', 'not_mine', 'undo', 'assign_owner')),
        actor_platform TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_email TEXT,
        decided_at TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('apply', 'dry-run')),
        outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'applied', 'dry_run', 'already', 'failed')),
        before_values TEXT,
        after_values TEXT,
        reason TEXT,
        expires_at TEXT,
        undoes_decision_id INTEGER REFERENCES decisions (id),
        idempotency_key TEXT UNIQUE,
        error TEXT
      );
      CREATE INDEX decisions_by_account ON decisions (source, account_id);

      -- Append-only: every scan, message, decision and refused attempt. Each row carries the hash of
      -- the previous one, so a tampered or deleted row breaks the chain (warden audit --verify).
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        actor TEXT,
        subject TEXT,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 2,
    name: "chat: risk acceptances, owner overrides, chat user cache, outbox, message accounts, digests",
    sql: `
      -- Keep (accept the risk): the finding stays open, but is not sent to its owner again until then.
      ALTER TABLE findings ADD COLUMN accepted_until TEXT;

      -- An owner assigned in chat overrides the source's owner reference.
      CREATE TABLE owner_overrides (
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        owner_email TEXT NOT NULL,
        assigned_by TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (source, account_id)
      );

      -- Email → chat user id (users.lookupByEmail, Teams roster). user_id NULL: looked up, not found.
      CREATE TABLE chat_users (
        platform TEXT NOT NULL,
        email TEXT NOT NULL,
        user_id TEXT,
        resolved_at TEXT NOT NULL,
        PRIMARY KEY (platform, email)
      );

      -- Every message warden sends goes through here first, so a crash or restart mid-run neither
      -- loses messages nor sends one twice. 'sending' is written before the API call: such a row
      -- found at start may or may not have been delivered, and is never sent again blindly.
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        kind TEXT NOT NULL,
        recipient TEXT NOT NULL,
        dedupe_key TEXT NOT NULL UNIQUE,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        message_ref TEXT
      );
      CREATE INDEX outbox_by_status ON outbox (status, id);

      -- Which accounts, with which rules, a message showed: a click is checked against it, and
      -- reminders know what is still unanswered.
      CREATE TABLE message_accounts (
        outbox_id INTEGER NOT NULL REFERENCES outbox (id),
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        rules TEXT NOT NULL,
        answered_at TEXT,
        PRIMARY KEY (outbox_id, source, account_id)
      );

      -- Digests posted, for the trend "since the previous digest".
      CREATE TABLE digests (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        recipient TEXT NOT NULL,
        scan_id INTEGER REFERENCES scans (id),
        score INTEGER,
        posted_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "teams conversation references",
    sql: `
      -- Bot Framework conversation references, saved from every incoming activity and install event;
      -- proactive messages need them. service_url can change and is refreshed on each activity.
      CREATE TABLE conversation_refs (
        platform TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('personal', 'channel', 'groupChat')),
        user_id TEXT,
        aad_object_id TEXT,
        team_id TEXT,
        tenant_id TEXT,
        service_url TEXT NOT NULL,
        reference TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (platform, conversation_id)
      );
      CREATE INDEX conversation_refs_by_user ON conversation_refs (platform, aad_object_id);
    `,
  },
  {
    version: 4,
    name: "which process runs a scan",
    sql: `
      -- A scan row says which process runs it, so another process (warden scan next to warden
      -- serve) can tell a scan in progress from one whose process died.
      ALTER TABLE scans ADD COLUMN pid INTEGER;
      ALTER TABLE scans ADD COLUMN host TEXT;
    `,
  },
  {
    version: 5,
    name: "safe decisions: one in progress per account, who claimed it, its message; a linear audit chain; settings",
    sql: `
      -- A decision left 'pending' by a process that died is resolved at the next start from the
      -- source's real state: claimed_pid/claimed_host tell a live claim from a dead one, and
      -- message_id is the owner message (outbox id) to update once it is resolved.
      ALTER TABLE decisions ADD COLUMN claimed_pid INTEGER;
      ALTER TABLE decisions ADD COLUMN claimed_host TEXT;
      ALTER TABLE decisions ADD COLUMN message_id INTEGER;
      -- Before this version two pending decisions could exist for one account; keep the newest.
      UPDATE decisions SET outcome = 'failed', error = 'interrupted: warden stopped before it finished'
       WHERE outcome = 'pending'
         AND id NOT IN (SELECT max(id) FROM decisions WHERE outcome = 'pending' GROUP BY source, account_id);
      -- One decision in progress per account: two clicks, an owner and an admin, or two processes
      -- racing on one account lose the race here, inside SQLite, and exactly one of them writes.
      CREATE UNIQUE INDEX decisions_one_pending ON decisions (source, account_id) WHERE outcome = 'pending';
      CREATE INDEX decisions_pending ON decisions (outcome) WHERE outcome = 'pending';

      -- The audit chain stays linear: no two entries may follow the same one. A trigger rather than
      -- a UNIQUE index, so a database whose chain forked before this version still migrates (its
      -- fork is what warden audit --verify reports); from now on a second writer's append fails.
      CREATE INDEX audit_log_by_prev ON audit_log (prev_hash);
      CREATE TRIGGER audit_log_linear BEFORE INSERT ON audit_log
        WHEN EXISTS (SELECT 1 FROM audit_log WHERE prev_hash = NEW.prev_hash)
        BEGIN SELECT RAISE(ABORT, 'audit_log: another entry already follows this one'); END;

      -- Chat users cached before emails were normalised by one rule (normalize-email.ts) may hold
      -- a lookalike folded to an owner's address: dropped, and read again from the platform on use.
      DELETE FROM chat_users;
      CREATE INDEX chat_users_by_user ON chat_users (platform, user_id);

      -- Small per-database values, e.g. the key that seals modal metadata.
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: "indexes for lookups: sys_id, case-folded user and display names, findings per account",
    sql: `
      -- Lookups come from chat, so each must answer from an index, never by reading every row
      -- (version 1 left user_name unindexed; that made every lookup and suggestion a full scan).
      -- The primary key starts with source, so a bare sys_id needs its own index.
      CREATE INDEX accounts_by_id ON accounts (id);
      -- Case-insensitive matches and "did you mean" range scans use lower(), which folds ASCII
      -- only (no ICU in better-sqlite3): deterministic, as an index expression must be.
      -- https://www.sqlite.org/expridx.html
      CREATE INDEX accounts_by_user_name ON accounts (lower(user_name));
      CREATE INDEX accounts_by_name ON accounts (lower(name));
      -- An account's findings (open and resolved) for its lookup answer; findings_open is partial.
      CREATE INDEX findings_by_account ON findings (source, account_id);
    `,
  },
  {
    version: 7,
    name: "delivery retries: since when a message has been failing, when it was last tried",
    sql: `
      -- A delivery that failed for a reason that can clear stays 'pending' with not_before (the
      -- backoff); a permanent refusal is 'failed'. failing_since is the first failed attempt (the
      -- give-up clock of WARDEN_DELIVERY_GIVE_UP_DAYS), last_attempt_at the latest attempt.
      ALTER TABLE outbox ADD COLUMN failing_since TEXT;
      ALTER TABLE outbox ADD COLUMN last_attempt_at TEXT;
      CREATE INDEX outbox_failing ON outbox (status, failing_since) WHERE failing_since IS NOT NULL;
    `,
  },
  {
    version: 8,
    name: "owner assignments: the assigned owner's display name, to greet them by name",
    sql: `
      -- The name the chat platform gave for the person an admin assigned (Slack real_name, Teams
      -- roster name); NULL when it gave none (the email is shown instead).
      ALTER TABLE owner_overrides ADD COLUMN owner_name TEXT;
    `,
  },
  {
    version: 9,
    name: "outbox: a follow-up's original message reference is stored as JSON, not as JSON text",
    sql: `
      -- Reminders and escalations held the reference of the message they follow up as a JSON
      -- string inside their payload (parsed a second time by each sender). It becomes the JSON
      -- object itself, decoded once with the message (src/notify/outbox-message.ts). A string that
      -- is not JSON is left as it is: that item fails with the reason when it is delivered.
      -- https://www.sqlite.org/json1.html#jset
      UPDATE outbox SET payload = json_set(payload, '$.replyTo', json(json_extract(payload, '$.replyTo')))
       WHERE kind IN ('reminder', 'escalation') AND json_valid(payload)
         AND json_type(payload, '$.replyTo') = 'text' AND json_valid(json_extract(payload, '$.replyTo'));
    `,
  },
  {
    version: 10,
    name: "outbox: owner messages by recipient; the messages showing an account",
    sql: `
      -- Each delivered owner message supersedes its recipient's older live ones: they are read by
      -- platform, kind, recipient and status (src/store/list-live-owner-items.ts), per message sent.
      -- IF NOT EXISTS: harmless when replayed on a database rewound to an older version.
      CREATE INDEX IF NOT EXISTS outbox_by_recipient ON outbox (platform, kind, recipient, status);
      -- A decision marks the account answered in every message showing it (markAccountAnswered):
      -- by source and account, which the primary key (outbox_id first) does not serve.
      CREATE INDEX IF NOT EXISTS message_accounts_by_account ON message_accounts (source, account_id);
    `,
  },
  {
    version: 11,
    name: "bounded storage: retention prunes on indexes; audit log archives with checkpoints",
    sql: `
      -- Retention (src/store/prune-*.ts) deletes old scans: SQLite checks each deleted parent row
      -- against every child key, and without an index each check reads the whole child table
      -- (https://www.sqlite.org/foreignkeys.html#fk_indexes). Findings refer to scans three ways.
      CREATE INDEX IF NOT EXISTS findings_by_first_scan ON findings (first_scan_id);
      CREATE INDEX IF NOT EXISTS findings_by_last_scan ON findings (last_scan_id);
      CREATE INDEX IF NOT EXISTS findings_by_resolved_scan ON findings (resolved_scan_id);
      -- Sent messages older than the retention are found by when they were sent.
      CREATE INDEX IF NOT EXISTS outbox_by_sent ON outbox (status, sent_at);

      -- warden audit --archive writes the oldest entries to a file and then removes them here. A
      -- checkpoint records the last archived entry (its id and hash), so the chain stays verifiable
      -- from the first entry still stored, and the file can be checked against it (its SHA-256).
      CREATE TABLE IF NOT EXISTS audit_checkpoints (
        id INTEGER PRIMARY KEY,
        through_id INTEGER NOT NULL UNIQUE,
        through_hash TEXT NOT NULL,
        first_id INTEGER NOT NULL,
        entries INTEGER NOT NULL,
        archive_file TEXT NOT NULL,
        archive_sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
      CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
      -- Still append-only, except for entries a checkpoint covers (already written to an archive).
      DROP TRIGGER IF EXISTS audit_log_no_delete;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        WHEN OLD.id > coalesce((SELECT max(through_id) FROM audit_checkpoints), 0)
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: only entries archived by warden audit --archive may be removed'); END;
    `,
  },
  {
    version: 12,
    name: "chat users: the DM channel of a Slack user, so later runs post without opening it again",
    sql: `
      -- The direct-message channel between warden and a user (conversations.open's answer), by user
      -- id: it is the same channel for as long as the user exists
      -- (https://docs.slack.dev/reference/methods/conversations.open). A table of its own, so that
      -- replaying this on a database rewound to an older version is harmless (IF NOT EXISTS).
      CREATE TABLE IF NOT EXISTS chat_dm_channels (
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        PRIMARY KEY (platform, user_id)
      );
    `,
  },
  {
    version: 13,
    name: "follow-ups: a schedule per sent owner message, so the daily pass reads only what is due",
    sql: `
      -- The daily follow-up pass read every sent owner message with an unanswered account; it now
      -- reads only the rows here that are due. A row exists while a message may still be chased:
      -- written when an owner message is marked sent, moved on when its reminder is queued, deleted
      -- when it is superseded, answered (or fixed) in full, or escalated. 'stage' is what comes next.
      -- IF NOT EXISTS / OR IGNORE: harmless when replayed on a database rewound to an older version.
      CREATE TABLE IF NOT EXISTS follow_ups (
        outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
        stage TEXT NOT NULL CHECK (stage IN ('reminder', 'escalation')),
        due_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS follow_ups_due ON follow_ups (due_at);
      -- What the outbox already holds: a live sent owner message with an unanswered account is due
      -- its reminder 3 days after it was sent, or, when the reminder is queued already (its dedupe
      -- key), its escalation after 7; one escalated already is never chased again.
      -- https://www.sqlite.org/lang_datefunc.html (the same ISO form as Date.toISOString)
      INSERT OR IGNORE INTO follow_ups (outbox_id, stage, due_at)
      SELECT o.id, CASE WHEN r.id IS NULL THEN 'reminder' ELSE 'escalation' END,
             strftime('%Y-%m-%dT%H:%M:%fZ', o.sent_at, CASE WHEN r.id IS NULL THEN '+3 days' ELSE '+7 days' END)
        FROM outbox o LEFT JOIN outbox r ON r.dedupe_key = o.platform || ':reminder:' || o.id
       WHERE o.kind = 'owner_message' AND o.status = 'sent' AND o.sent_at IS NOT NULL
         AND json_valid(o.payload) AND json_extract(o.payload, '$.supersededBy') IS NULL
         AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.dedupe_key = o.platform || ':escalation:' || o.id)
         AND EXISTS (SELECT 1 FROM message_accounts m WHERE m.outbox_id = o.id AND m.answered_at IS NULL);
    `,
  },
  {
    version: 14,
    name: "digests by scan: the digest's trend and retention read them on an index",
    sql: `
      -- Each scan retention deletes is checked against digests.scan_id (a foreign key), and the
      -- digest's trend joins digests to their scans: without an index each reads every digest
      -- (https://www.sqlite.org/foreignkeys.html#fk_indexes). test/store/query-plans.test.ts
      -- explains every statement warden runs and found both.
      CREATE INDEX IF NOT EXISTS digests_by_scan ON digests (scan_id);
    `,
  },
  {
    version: 15,
    name: "Entra applications looked up by appId",
    sql: `
      -- An Entra app is named by its display name (not unique) and its application (client) id;
      -- a lookup by appId reads this partial expression index instead of every snapshot
      -- (https://www.sqlite.org/expridx.html, https://www.sqlite.org/partialindex.html).
      CREATE INDEX IF NOT EXISTS accounts_by_app_id
        ON accounts (lower(json_extract(snapshot, '$.attributes.appId')))
        WHERE json_extract(snapshot, '$.attributes.kind') = 'entra';
    `,
  },
  {
    version: 16,
    name: "decisions: any action of the registry (Remove expired credential is the first new one)",
    sql: `
      -- The first version listed the actions in a CHECK, which SQLite cannot change in place
      -- (https://www.sqlite.org/lang_altertable.html#otheralter), so the table is rebuilt without
      -- it: which actions exist is the action registry's business (src/actions/action-registry.ts),
      -- and a CHECK would need this rebuild again for every new action. Mode and outcome keep theirs.
      -- Replay-safe: it rebuilds from whatever the table holds; rows are copied in id order, so each
      -- undoes_decision_id (always an earlier decision) finds its row while foreign keys are on; the
      -- new table refers to itself by its own name, which RENAME rewrites to "decisions".
      DROP TABLE IF EXISTS decisions_v16;
      CREATE TABLE decisions_v16 (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        action TEXT NOT NULL,
        actor_platform TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_email TEXT,
        decided_at TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('apply', 'dry-run')),
        outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'applied', 'dry_run', 'already', 'failed')),
        before_values TEXT,
        after_values TEXT,
        reason TEXT,
        expires_at TEXT,
        undoes_decision_id INTEGER REFERENCES decisions_v16 (id),
        idempotency_key TEXT UNIQUE,
        error TEXT,
        claimed_pid INTEGER,
        claimed_host TEXT,
        message_id INTEGER
      );
      INSERT INTO decisions_v16 (id, source, account_id, action, actor_platform, actor_id, actor_email,
          decided_at, mode, outcome, before_values, after_values, reason, expires_at, undoes_decision_id,
          idempotency_key, error, claimed_pid, claimed_host, message_id)
        SELECT id, source, account_id, action, actor_platform, actor_id, actor_email,
          decided_at, mode, outcome, before_values, after_values, reason, expires_at, undoes_decision_id,
          idempotency_key, error, claimed_pid, claimed_host, message_id
          FROM decisions ORDER BY id;
      DROP TABLE decisions;
      ALTER TABLE decisions_v16 RENAME TO decisions;
      CREATE INDEX IF NOT EXISTS decisions_by_account ON decisions (source, account_id);
      CREATE UNIQUE INDEX IF NOT EXISTS decisions_one_pending ON decisions (source, account_id) WHERE outcome = 'pending';
      CREATE INDEX IF NOT EXISTS decisions_pending ON decisions (outcome) WHERE outcome = 'pending';
    `,
  },
  {
    version: 17,
    name: "account snapshots in a table of their own, written only when they change",
    sql: `
      -- Every scan moves every account's last_seen_at and last_scan_id. With the snapshot (about
      -- 1 KB of JSON) in the same row, that rewrote every page of the table (about 135 MB of WAL
      -- at 100,000 accounts) even when nothing else changed. The snapshot now lives here, written
      -- only when it changed (the scan compares it here first). accounts.snapshot stays, holding
      -- '{}': SQLite cannot drop a column replay-safely, and findings' foreign key to accounts rules
      -- out rebuilding the table. '{}' is JSON, so migration 15's index still builds when replayed.
      -- Replay-safe: only rows still holding a real snapshot are moved, replacing any older copy.
      DROP INDEX IF EXISTS accounts_by_app_id;
      CREATE TABLE IF NOT EXISTS account_snapshots (
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        PRIMARY KEY (source, account_id),
        FOREIGN KEY (source, account_id) REFERENCES accounts (source, id) ON DELETE CASCADE
      );
      INSERT OR REPLACE INTO account_snapshots (source, account_id, snapshot)
        SELECT source, id, snapshot FROM accounts WHERE snapshot <> '{}';
      UPDATE accounts SET snapshot = '{}' WHERE snapshot <> '{}';
      -- Migration 15's lookup of an Entra app by its appId, on the table that holds the JSON now.
      CREATE INDEX IF NOT EXISTS account_snapshots_by_app_id
        ON account_snapshots (lower(json_extract(snapshot, '$.attributes.appId')))
        WHERE json_extract(snapshot, '$.attributes.kind') = 'entra';
      `,
  },
  {
    version: 18,
    name: "the owner's home: accounts by owner email",
    sql: `
      -- The Slack Home tab, /warden mine and Teams' mine list one person's accounts each time they
      -- are opened (src/store/owned-findings.ts): by the source's owner reference and by the owner
      -- assigned in chat. Both columns hold normalizeEmail's form. Only a scan's full upsert of a
      -- changed account writes accounts.owner_email, so the index costs an unchanged account nothing.
      CREATE INDEX IF NOT EXISTS accounts_by_owner ON accounts (owner_email);
      CREATE INDEX IF NOT EXISTS owner_overrides_by_owner ON owner_overrides (owner_email);
    `,
  },
  {
    version: 19,
    name: "ticket mode: decisions that open a ServiceNow ticket, and the tickets they opened",
    sql: `
      -- WARDEN_MODE=ticket records a decision with mode 'ticket' and outcome 'ticketed' (a ticket
      -- asks for the change; warden writes nothing itself). Both are CHECKed, which SQLite cannot
      -- change in place (https://www.sqlite.org/lang_altertable.html#otheralter): the table is
      -- rebuilt as in migration 16, replay-safe the same way.
      DROP TABLE IF EXISTS decisions_v19;
      CREATE TABLE decisions_v19 (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        action TEXT NOT NULL,
        actor_platform TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_email TEXT,
        decided_at TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('apply', 'dry-run', 'ticket')),
        outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'applied', 'dry_run', 'already', 'failed', 'ticketed')),
        before_values TEXT,
        after_values TEXT,
        reason TEXT,
        expires_at TEXT,
        undoes_decision_id INTEGER REFERENCES decisions_v19 (id),
        idempotency_key TEXT UNIQUE,
        error TEXT,
        claimed_pid INTEGER,
        claimed_host TEXT,
        message_id INTEGER
      );
      INSERT INTO decisions_v19 (id, source, account_id, action, actor_platform, actor_id, actor_email,
          decided_at, mode, outcome, before_values, after_values, reason, expires_at, undoes_decision_id,
          idempotency_key, error, claimed_pid, claimed_host, message_id)
        SELECT id, source, account_id, action, actor_platform, actor_id, actor_email,
          decided_at, mode, outcome, before_values, after_values, reason, expires_at, undoes_decision_id,
          idempotency_key, error, claimed_pid, claimed_host, message_id
          FROM decisions ORDER BY id;
      DROP TABLE decisions;
      ALTER TABLE decisions_v19 RENAME TO decisions;
      CREATE INDEX IF NOT EXISTS decisions_by_account ON decisions (source, account_id);
      CREATE UNIQUE INDEX IF NOT EXISTS decisions_one_pending ON decisions (source, account_id) WHERE outcome = 'pending';
      CREATE INDEX IF NOT EXISTS decisions_pending ON decisions (outcome) WHERE outcome = 'pending';
      -- One row per ticket a decision opened. No foreign key to decisions: a replay of the rebuild
      -- above drops decisions, which a reference from here would forbid. done_at is set when a
      -- later scan finds the account's findings resolved (closeDoneTickets).
      CREATE TABLE IF NOT EXISTS decision_tickets (
        decision_id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        ticket_table TEXT NOT NULL,
        sys_id TEXT NOT NULL,
        number TEXT NOT NULL,
        url TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        done_at TEXT
      );
      -- At most one open ticket per account: a second click finds it instead of opening another.
      CREATE UNIQUE INDEX IF NOT EXISTS decision_tickets_one_open
        ON decision_tickets (source, account_id) WHERE done_at IS NULL;
    `,
  },
  {
    version: 20,
    name: "delivered in-place updates pruned after a day, on an index of their own",
    sql: `
      -- Retention removes a message_update once delivered a day ago (src/store/prune-delivered-updates.ts).
      -- Partial: it holds only those rows, which are removed daily, so finding them reads nothing else
      -- (outbox_by_sent would walk every older sent message first) and the index stays small.
      CREATE INDEX IF NOT EXISTS outbox_updates_by_sent ON outbox (sent_at)
        WHERE kind = 'message_update' AND status = 'sent';
    `,
  },
  {
    version: 21,
    name: "access review campaigns and their items",
    sql: `
      -- An access review campaign: every active machine identity of its source (NULL: every source)
      -- when it started, each asked of its owner until due_at (src/reviews/).
      CREATE TABLE IF NOT EXISTS review_campaigns (
        id INTEGER PRIMARY KEY,
        source TEXT,
        started_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        started_by TEXT NOT NULL,
        default_decision TEXT NOT NULL CHECK (default_decision IN ('none', 'disable')),
        -- Set once every account is added (in several short transactions): a campaign without it
        -- was interrupted while starting, is never shown, and is removed by the next start.
        ready_at TEXT,
        closed_at TEXT
      );
      CREATE INDEX IF NOT EXISTS review_campaigns_open ON review_campaigns (closed_at, id);
      CREATE INDEX IF NOT EXISTS review_campaigns_unready ON review_campaigns (id) WHERE ready_at IS NULL;
      -- One row per account a campaign asks about: who is asked (owner_email, NULL while nobody is
      -- reachable), its answer (the decision that gave it: certify, disable, not_mine), and the rules
      -- of its open findings at the start, then when it was answered (the auditor's evidence).
      CREATE TABLE IF NOT EXISTS review_items (
        campaign_id INTEGER NOT NULL,
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        name TEXT NOT NULL,
        owner_email TEXT,
        findings TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'certified', 'disabled', 'reassigned')),
        decision_id INTEGER,
        reviewer TEXT,
        reason TEXT,
        decided_at TEXT,
        reminded_at TEXT,
        warned_at TEXT,
        escalated_at TEXT,
        PRIMARY KEY (campaign_id, source, account_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS review_items_by_account ON review_items (source, account_id);
      CREATE INDEX IF NOT EXISTS review_items_by_owner ON review_items (campaign_id, owner_email, status);
      -- The messages that asked a campaign's accounts (an owner's, or the admin channel's list of
      -- accounts nobody owns), per platform: with message_accounts they say who was asked what.
      CREATE TABLE IF NOT EXISTS review_messages (
        campaign_id INTEGER NOT NULL,
        platform TEXT NOT NULL,
        recipient TEXT NOT NULL,
        outbox_id INTEGER NOT NULL,
        PRIMARY KEY (campaign_id, platform, recipient, outbox_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 22,
    name: "message accounts: without rowid, rules as a bit set; superseded owner messages compacted",
    sql: `
      -- A row per account per message sent, kept for the retention (400 days): after a year it was
      -- the fourth biggest table, its primary key stored twice (the rowid table and the key's
      -- automatic index). WITHOUT ROWID keeps the rows in the key's own b-tree
      -- (https://www.sqlite.org/withoutrowid.html), appended in outbox id order; the rules each
      -- showed are one integer (src/store/rule-bits.ts) instead of a JSON list; a rule not listed
      -- here keeps no bit (every rule of this version is).
      DROP TABLE IF EXISTS message_accounts_v22;
      CREATE TABLE message_accounts_v22 (
        outbox_id INTEGER NOT NULL REFERENCES outbox (id),
        source TEXT NOT NULL,
        account_id TEXT NOT NULL,
        rules INTEGER NOT NULL,
        answered_at TEXT,
        PRIMARY KEY (outbox_id, source, account_id)
      ) WITHOUT ROWID;
      INSERT INTO message_accounts_v22 (outbox_id, source, account_id, rules, answered_at)
        SELECT outbox_id, source, account_id,
            coalesce((SELECT sum(CASE r.value
                WHEN 'dormant' THEN 1 WHEN 'basic_auth' THEN 2 WHEN 'wsao_disabled' THEN 4
                WHEN 'ui_and_api' THEN 8 WHEN 'no_owner' THEN 16 WHEN 'privileged' THEN 32
                WHEN 'credential_expiring' THEN 64 WHEN 'credential_expired' THEN 128
                WHEN 'long_lived_secret' THEN 256 ELSE 0 END)
              FROM (SELECT DISTINCT value FROM json_each(CASE WHEN json_valid(rules) THEN rules ELSE '[]' END)) r), 0),
            answered_at
          FROM message_accounts ORDER BY outbox_id, source, account_id;
      DROP TABLE message_accounts;
      ALTER TABLE message_accounts_v22 RENAME TO message_accounts;
      CREATE INDEX IF NOT EXISTS message_accounts_by_account ON message_accounts (source, account_id);

      -- A superseded owner message's stored view shrinks once no Undo is left on it
      -- (src/store/message-compactions.ts): one row per message still to compact, due when its Undo
      -- window closes, so retention reads only those. Backfilled with every superseded message,
      -- due a day after it was superseded (UNDO_WINDOW_MS; one with an Undo still open then is
      -- put off again).
      CREATE TABLE IF NOT EXISTS message_compactions (
        outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
        due_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS message_compactions_due ON message_compactions (due_at);
      INSERT OR IGNORE INTO message_compactions (outbox_id, due_at)
      SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(payload, '$.supersededBy.sentAt'), '+1 day')
        FROM outbox
       WHERE kind = 'owner_message' AND status = 'sent' AND json_valid(payload)
         AND json_extract(payload, '$.supersededBy.sentAt') IS NOT NULL;
    `,
  },
  {
    version: 23,
    name: "chat users' time zones",
    sql: `
      -- The IANA time zone a chat user's client last reported (Teams activities' localTimezone),
      -- so times warden writes out for them (a plain-text notice, a card's FactSet) are in their
      -- zone; one row per user, replaced when the client reports another.
      CREATE TABLE IF NOT EXISTS chat_user_time_zones (
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (platform, user_id)
      );
    `,
  },
  {
    version: 24,
    name: "schedule slots and scan heartbeats, for replicas",
    sql: `
      -- One row per run of a scheduled job (src/store/job-slots.ts): the replica that inserts it
      -- runs that slot, the others skip it; the holder renews its lease while the job runs, and a
      -- slot whose lease ran out unfinished (its replica died) is taken over by another replica.
      CREATE TABLE IF NOT EXISTS job_slots (
        job TEXT NOT NULL,
        slot TEXT NOT NULL,
        holder TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        lease_until TEXT NOT NULL,
        finished_at TEXT,
        PRIMARY KEY (job, slot)
      );
      CREATE INDEX IF NOT EXISTS job_slots_unfinished ON job_slots (lease_until) WHERE finished_at IS NULL;

      -- A running scan's last sign of life: a scan of another machine (another replica, whose
      -- process id cannot be checked) counts as running while it beats. A table of its own, not
      -- a column of scans: replayed on a rewound database, this migration changes nothing.
      CREATE TABLE IF NOT EXISTS scan_heartbeats (
        scan_id INTEGER PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
        beat_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 25,
    name: "outbox claims, so delivery runs of two processes take turns",
    sql: `
      -- The process sending an outbox item (src/store/outbox-claims.ts): a run that finds an item
      -- 'sending' marks it "unknown" (maybe delivered) only when its claimer can no longer finish
      -- the send, not while another replica is sending it. A row lives while its item is
      -- 'sending' (the trigger ends it). A table of its own: replayed, this changes nothing.
      CREATE TABLE IF NOT EXISTS outbox_claims (
        outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
        holder TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        claimed_at TEXT NOT NULL
      );
      CREATE TRIGGER IF NOT EXISTS outbox_claims_end AFTER UPDATE OF status ON outbox
        WHEN OLD.status = 'sending' AND NEW.status <> 'sending'
      BEGIN
        DELETE FROM outbox_claims WHERE outbox_id = OLD.id;
      END;
    `,
  },
];
