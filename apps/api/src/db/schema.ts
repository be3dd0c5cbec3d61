/**
 * The database schema. Better Auth's tables (user, session, account, verification, jwks,
 * rate_limit) keep the field names its Drizzle adapter expects; the app's own tables follow.
 * Migrations are generated from this file by drizzle-kit and committed under ./migrations.
 */
import { DEFAULT_PRIORITY, PRIORITIES, REMINDER_STATES } from "@todo/contracts/constants";
import type { ReminderSpec, ToolApproval } from "@todo/contracts";
import { relations, sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

// ---- Better Auth -------------------------------------------------------------------------------

export const user = pgTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  ...timestamps,
});

export const session = pgTable(
  "session",
  {
    id: text("id").primaryKey(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    token: text("token").notNull().unique(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    ...timestamps,
  },
  (t) => [index("session_user_id_idx").on(t.userId)],
);

export const account = pgTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
    refreshTokenExpiresAt: timestamp("refresh_token_expires_at", { withTimezone: true }),
    scope: text("scope"),
    password: text("password"),
    ...timestamps,
  },
  (t) => [index("account_user_id_idx").on(t.userId)],
);

export const verification = pgTable(
  "verification",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    ...timestamps,
  },
  (t) => [index("verification_identifier_idx").on(t.identifier)],
);

// Relations let Better Auth read a session with its user in one query (experimental.joins).
export const userRelations = relations(user, ({ many }) => ({ sessions: many(session), accounts: many(account) }));
export const sessionRelations = relations(session, ({ one }) => ({
  user: one(user, { fields: [session.userId], references: [user.id] }),
}));
export const accountRelations = relations(account, ({ one }) => ({
  user: one(user, { fields: [account.userId], references: [user.id] }),
}));

export const jwks = pgTable("jwks", {
  id: text("id").primaryKey(),
  publicKey: text("public_key").notNull(),
  privateKey: text("private_key").notNull(),
  alg: text("alg"),
  crv: text("crv"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }),
});

/** Shared by every replica, so a limit holds however many backends run. */
export const rateLimit = pgTable("rate_limit", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: bigint("last_request", { mode: "number" }).notNull(),
});

// ---- OAuth 2.1 provider (@better-auth/oauth-provider) ---------------------------------------------
// The plugin's models, field for field (its `schema`), so MCP clients can register, be authorized and
// refresh. Access tokens for /mcp are JWTs (never stored); `oauth_access_token` holds only opaque ones.

export const oauthClient = pgTable("oauth_client", {
  id: text("id").primaryKey(),
  clientId: text("client_id").notNull().unique(),
  clientSecret: text("client_secret"),
  clientDiscoveryId: text("client_discovery_id"),
  disabled: boolean("disabled").default(false),
  skipConsent: boolean("skip_consent"),
  enableEndSession: boolean("enable_end_session"),
  subjectType: text("subject_type"),
  scopes: text("scopes").array(),
  clientCredentialsScopes: text("client_credentials_scopes").array().default(sql`'{}'::text[]`),
  userId: text("user_id").references(() => user.id, { onDelete: "cascade" }),
  createdAt: timestamp("created_at", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }),
  name: text("name"),
  uri: text("uri"),
  icon: text("icon"),
  contacts: text("contacts").array(),
  tos: text("tos"),
  policy: text("policy"),
  softwareId: text("software_id"),
  softwareVersion: text("software_version"),
  softwareStatement: text("software_statement"),
  redirectUris: text("redirect_uris").array().notNull(),
  postLogoutRedirectUris: text("post_logout_redirect_uris").array(),
  backchannelLogoutUri: text("backchannel_logout_uri"),
  backchannelLogoutSessionRequired: boolean("backchannel_logout_session_required"),
  tokenEndpointAuthMethod: text("token_endpoint_auth_method"),
  applicationType: text("application_type"),
  jwks: text("jwks"),
  jwksUri: text("jwks_uri"),
  grantTypes: text("grant_types").array(),
  responseTypes: text("response_types").array(),
  requirePKCE: boolean("require_pkce"),
  dpopBoundAccessTokens: boolean("dpop_bound_access_tokens").default(false),
  referenceId: text("reference_id"),
  metadata: jsonb("metadata"),
});

export const oauthResource = pgTable("oauth_resource", {
  id: text("id").primaryKey(),
  identifier: text("identifier").notNull().unique(),
  name: text("name").notNull(),
  accessTokenTtl: integer("access_token_ttl"),
  refreshTokenTtl: integer("refresh_token_ttl"),
  signingAlgorithm: text("signing_algorithm"),
  signingKeyId: text("signing_key_id"),
  allowedScopes: text("allowed_scopes").array(),
  customClaims: jsonb("custom_claims"),
  dpopBoundAccessTokensRequired: boolean("dpop_bound_access_tokens_required").default(false),
  disabled: boolean("disabled").default(false),
  createdAt: timestamp("created_at", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }),
  policyVersion: integer("policy_version").default(1),
  metadata: jsonb("metadata"),
});

export const oauthClientResource = pgTable(
  "oauth_client_resource",
  {
    id: text("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClient.clientId, { onDelete: "cascade" }),
    resourceId: text("resource_id")
      .notNull()
      .references(() => oauthResource.identifier, { onDelete: "cascade" }),
    metadata: jsonb("metadata"),
    createdAt: timestamp("created_at", { withTimezone: true }),
  },
  (t) => [index("oauth_client_resource_client_idx").on(t.clientId), index("oauth_client_resource_resource_idx").on(t.resourceId)],
);

export const oauthRefreshToken = pgTable(
  "oauth_refresh_token",
  {
    id: text("id").primaryKey(),
    token: text("token").notNull().unique(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClient.clientId, { onDelete: "cascade" }),
    sessionId: text("session_id").references(() => session.id, { onDelete: "set null" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    referenceId: text("reference_id"),
    authorizationCodeId: text("authorization_code_id"),
    resources: text("resources").array(),
    requestedUserInfoClaims: text("requested_user_info_claims").array(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }),
    revoked: timestamp("revoked", { withTimezone: true }),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
    rotationReplayResponse: text("rotation_replay_response"),
    rotationReplayExpiresAt: timestamp("rotation_replay_expires_at", { withTimezone: true }),
    authTime: timestamp("auth_time", { withTimezone: true }),
    confirmation: jsonb("confirmation"),
    scopes: text("scopes").array().notNull(),
  },
  (t) => [
    index("oauth_refresh_token_client_idx").on(t.clientId),
    index("oauth_refresh_token_user_idx").on(t.userId),
    index("oauth_refresh_token_session_idx").on(t.sessionId),
    index("oauth_refresh_token_code_idx").on(t.authorizationCodeId),
  ],
);

export const oauthAccessToken = pgTable(
  "oauth_access_token",
  {
    id: text("id").primaryKey(),
    token: text("token").unique(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClient.clientId, { onDelete: "cascade" }),
    sessionId: text("session_id").references(() => session.id, { onDelete: "set null" }),
    userId: text("user_id").references(() => user.id, { onDelete: "cascade" }),
    referenceId: text("reference_id"),
    authorizationCodeId: text("authorization_code_id"),
    resources: text("resources").array(),
    requestedUserInfoClaims: text("requested_user_info_claims").array(),
    refreshId: text("refresh_id").references(() => oauthRefreshToken.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }),
    revoked: timestamp("revoked", { withTimezone: true }),
    confirmation: jsonb("confirmation"),
    scopes: text("scopes").array().notNull(),
  },
  (t) => [
    index("oauth_access_token_client_idx").on(t.clientId),
    index("oauth_access_token_user_idx").on(t.userId),
    index("oauth_access_token_session_idx").on(t.sessionId),
    index("oauth_access_token_refresh_idx").on(t.refreshId),
    index("oauth_access_token_code_idx").on(t.authorizationCodeId),
  ],
);

export const oauthConsent = pgTable(
  "oauth_consent",
  {
    id: text("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClient.clientId, { onDelete: "cascade" }),
    userId: text("user_id").references(() => user.id, { onDelete: "cascade" }),
    referenceId: text("reference_id"),
    resources: text("resources").array(),
    requestedUserInfoClaims: text("requested_user_info_claims").array(),
    scopes: text("scopes").array().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }),
    /** Ours, not the plugin's: when /mcp last accepted a token of this grant (the Connected apps page). */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("oauth_consent_client_idx").on(t.clientId), index("oauth_consent_user_idx").on(t.userId, t.clientId)],
);

export const oauthClientAssertion = pgTable("oauth_client_assertion", {
  id: text("id").primaryKey(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

// ---- Tasks -------------------------------------------------------------------------------------

/** Per-user counter behind task numbers (#1, #2 …): atomic, and a deleted number is never reused. */
export const taskCounters = pgTable("task_counters", {
  userId: text("user_id")
    .primaryKey()
    .references(() => user.id, { onDelete: "cascade" }),
  lastNumber: integer("last_number").notNull().default(0),
});

export const tasks = pgTable(
  "tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    /**
     * The title's words for matching a person's words to it in SQL (`tasks.match.ts` titleKey):
     * lower case, accents and punctuation gone, space-padded (" buy milk ").
     */
    titleKey: text("title_key").notNull().default(""),
    description: text("description").notNull().default(""),
    completed: boolean("completed").notNull().default(false),
    priority: text("priority", { enum: PRIORITIES }).notNull().default(DEFAULT_PRIORITY),
    dueDate: date("due_date", { mode: "string" }),
    /** Local wall time HH:MM on due_date (null: all day), meant in time_zone. */
    dueTime: text("due_time"),
    /** The IANA zone due_time and repeat are meant in: local time + zone keeps 09:00 at 09:00 across DST. */
    timeZone: text("time_zone"),
    /** Derived on every write from due_date + due_time in time_zone: the instant it falls due (null: all day). */
    dueAt: timestamp("due_at", { withTimezone: true }),
    /** RFC 5545 RRULE (without DTSTART: the due date and time are the anchor); null: does not repeat. */
    repeat: text("repeat"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    /** Set when the task is deleted: it is in the Trash (restorable) until purged 30 days later. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("tasks_user_number_idx").on(t.userId, t.number),
    index("tasks_user_created_idx").on(t.userId, t.createdAt),
    index("tasks_user_due_idx").on(t.userId, t.dueDate),
    index("tasks_due_at_idx").on(t.dueAt).where(sql`${t.completed} = false`),
    // Counting a person's open tasks (the per-person limit) reads this small index only.
    index("tasks_user_open_idx").on(t.userId).where(sql`${t.completed} = false and ${t.deletedAt} is null`),
    // The Trash, and the purge of tasks deleted long ago.
    index("tasks_deleted_idx").on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
    check("tasks_priority_check", sql`${t.priority} in ('low', 'medium', 'high')`),
    check("tasks_title_length_check", sql`char_length(${t.title}) between 1 and 200`),
    check("tasks_description_length_check", sql`char_length(${t.description}) <= 2000`),
  ],
);

/** One completed occurrence of a repeating task (the task itself moves on to its next occurrence). */
export const taskCompletions = pgTable(
  "task_completions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    taskId: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    dueDate: date("due_date", { mode: "string" }),
    dueAt: timestamp("due_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("task_completions_task_idx").on(t.taskId, t.completedAt)],
);

/** A person's settings: their IANA time zone ("today", overdue and every printed date are in it). */
export const userSettings = pgTable("user_settings", {
  userId: text("user_id")
    .primaryKey()
    .references(() => user.id, { onDelete: "cascade" }),
  timeZone: text("time_zone").notNull(),
  ...timestamps,
});

// ---- Reminders ---------------------------------------------------------------------------------

/**
 * A reminder of a task, and the scheduler's queue at once (reminders/reminders.scheduler.ts): a
 * pending row whose `fire_at` has passed is claimed by one replica (`FOR UPDATE SKIP LOCKED`, a
 * lease in `claimed_until`), handed to the notifier and marked fired. `fire_at` is computed from
 * `spec` (and `snoozed_until`) whenever the task changes; null while a relative reminder's task has no due date.
 */
export const reminders = pgTable(
  "reminders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    taskId: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    spec: jsonb("spec").$type<ReminderSpec>().notNull(),
    fireAt: timestamp("fire_at", { withTimezone: true }),
    state: text("state", { enum: REMINDER_STATES }).notNull().default("pending"),
    snoozedUntil: timestamp("snoozed_until", { withTimezone: true }),
    /** A replica is delivering it until then; past it (the replica died) another one takes it over. */
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    firedAt: timestamp("fired_at", { withTimezone: true }),
    late: boolean("late").notNull().default(false),
    ...timestamps,
  },
  (t) => [
    index("reminders_task_idx").on(t.taskId),
    // The scheduler's one query reads this small index only: pending rows in firing order.
    index("reminders_due_idx").on(t.fireAt).where(sql`${t.state} = 'pending'`),
    check("reminders_state_check", sql`${t.state} in ('pending', 'fired', 'cancelled', 'suspended')`),
  ],
);

// ---- The change log ----------------------------------------------------------------------------

/**
 * The change log: one row per task a change touched, with the task before and after (the stored
 * row's fields; `before` null for an add). A batch is one action (one call, one bulk change); undo
 * reverts a person's latest batch not yet undone and marks it. Written in the change's transaction.
 */
export const taskChanges = pgTable(
  "task_changes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** The conversation whose assistant made the change; null for the tasks page and MCP clients. */
    conversationId: uuid("conversation_id"),
    batchId: uuid("batch_id").notNull(),
    /** Not a foreign key: an undone add removes its task, and the log outlives purged tasks until purged itself. */
    taskId: uuid("task_id").notNull(),
    op: text("op").notNull(),
    before: jsonb("before"),
    after: jsonb("after"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp("undone_at", { withTimezone: true }),
  },
  (t) => [index("task_changes_user_idx").on(t.userId, t.id), index("task_changes_batch_idx").on(t.batchId), index("task_changes_created_idx").on(t.createdAt)],
);

// ---- Conversations -----------------------------------------------------------------------------

export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    ...timestamps,
  },
  (t) => [index("conversations_user_updated_idx").on(t.userId, t.updatedAt)],
);

/**
 * One tool call of an assistant message: what was called and the tool's text answer (MCP `content`,
 * or the error), which is what later turns show the model. Its structured result (a whole list of
 * tasks, say) is kept apart in `tool_results`, so reading a conversation's history stays small.
 */
export interface StoredToolCall {
  name: string;
  arguments: Record<string, unknown>;
  text: string;
  isError?: boolean;
  /** A call that waits (or waited) for the person's approval: where that stands (chat/chat.approvals.ts). */
  approval?: ToolApproval;
}

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["user", "assistant"] }).notNull(),
    content: text("content").notNull(),
    toolCalls: jsonb("tool_calls").$type<StoredToolCall[]>().notNull().default([]),
    /** The structured result of each tool call, in the same order (what screens show). */
    toolResults: jsonb("tool_results").$type<unknown[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("messages_conversation_created_idx").on(t.conversationId, t.createdAt)],
);

// ---- Chat turns --------------------------------------------------------------------------------

/** Where a turn is: running on some replica, or how it ended. */
export const TURN_STATES = ["running", "done", "failed", "interrupted", "stopped"] as const;

/**
 * One turn of the assistant (its id is the id of the assistant message it writes). It belongs to
 * the server, not to the connection that asked for it: any replica reads its state. The replica
 * running it renews `lease_until`; a running turn whose lease has passed lost its replica (SIGKILL,
 * OOM) and is marked interrupted when next read. `stop_requested` is how Stop reaches the replica
 * that runs it.
 */
export const chatTurns = pgTable(
  "chat_turns",
  {
    id: uuid("id").primaryKey(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    state: text("state", { enum: TURN_STATES }).notNull().default("running"),
    /** Why a failed turn failed: an error code (model_unavailable, model_timeout …), never a cause. */
    errorCode: text("error_code"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }).notNull(),
    stopRequested: boolean("stop_requested").notNull().default(false),
    ...timestamps,
  },
  (t) => [
    index("chat_turns_conversation_created_idx").on(t.conversationId, t.createdAt),
    check("chat_turns_state_check", sql`${t.state} in ('running', 'done', 'failed', 'interrupted', 'stopped')`),
  ],
);

/**
 * A running turn's UI-message stream chunks, so a client that lost its stream resumes it from any
 * replica: it asks for the chunks after the last one it saw. Written in batches (one row per
 * write, its chunks numbered on from `seq`, the turn's chunks numbered from 0). Kept until the
 * conversation's next turn starts.
 */
export const chatTurnChunks = pgTable(
  "chat_turn_chunks",
  {
    turnId: uuid("turn_id")
      .notNull()
      .references(() => chatTurns.id, { onDelete: "cascade" }),
    /** The number of the batch's first chunk. */
    seq: integer("seq").notNull(),
    chunks: jsonb("chunks").$type<unknown[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.turnId, t.seq] })],
);

// ---- Notifications -----------------------------------------------------------------------------

/**
 * What a reminder delivered to a person (the notifier writes one row per firing): the bell's list,
 * and what a resumed event stream (Last-Event-ID) replays. Gone with the task or the person.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    taskId: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    /** The reminders engine's id for the reminder (no foreign key: that table is the engine's). */
    reminderId: text("reminder_id").notNull(),
    /** The firing it tells of: with the reminder, unique (a firing re-delivered after a crash is stored once). */
    fireAt: timestamp("fire_at", { withTimezone: true }).notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }),
    late: boolean("late").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
    dismissedAt: timestamp("dismissed_at", { withTimezone: true }),
    snoozedUntil: timestamp("snoozed_until", { withTimezone: true }),
  },
  (t) => [index("notifications_user_created_idx").on(t.userId, t.createdAt), uniqueIndex("notifications_firing_idx").on(t.reminderId, t.fireAt)],
);

/** A browser's Web Push subscription (one per endpoint: a browser signed in as someone else moves over). */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    endpoint: text("endpoint").notNull().unique(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("push_subscriptions_user_idx").on(t.userId)],
);
