export { CallbackInbox, DEFAULT_INBOX_LIMIT, INBOX_DEPTH_RECHECK_MS, InboxFullError, type CallbackInboxOptions } from './callback-inbox.js';
export { DEFAULT_DRAIN_ENTRIES, DEFAULT_ORPHAN_AFTER_MS, DEFAULT_POLL_MS, InboxDrainer, type DrainOutcome, type InboxDrainerOptions } from './inbox-drainer.js';
export type { InboxEntry, InboxEntryInput, InboxMeta, InboxTranslator } from './inbox-entry.js';
