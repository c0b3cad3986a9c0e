/**
 * When an unanswered owner message is chased: one reminder in the owner's conversation this many
 * days after it was sent, then the admins this many days after it was sent. The store schedules
 * each sent owner message by them (src/store/follow-ups.ts).
 */
export const FOLLOW_UP_DELAYS = { reminderDays: 3, escalationDays: 7 } as const;
