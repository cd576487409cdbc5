/*
 * The local Slack workspace's state: channels, their messages and threads, users, and ephemeral messages (each seen
 * by one user only). Message timestamps are Slack's shape, `<unix seconds>.<6 digits>`, unique and increasing.
 */

export interface LocalSlackUser {
  readonly id: string;
  readonly name: string;
  readonly realName: string;
  readonly email: string;
  /** Their home workspace when it is not this one: a Slack Connect member of a shared channel (its address is theirs to set). */
  readonly teamId?: string;
}

export interface LocalSlackMessage {
  readonly ts: string;
  readonly channel: string;
  /** The bot user that posted it (every message here is the app's). */
  readonly user: string;
  text: string;
  blocks: unknown[];
  readonly threadTs?: string;
  /** When chat.update last changed it. */
  editedTs?: string;
  /** An ephemeral message: only this user sees it, and only until they leave the page (here: it stays listed). */
  readonly visibleTo?: string;
}

export interface LocalSlackChannel {
  readonly id: string;
  readonly name: string;
}

export class LocalSlackWorkspace {
  readonly messages: LocalSlackMessage[] = [];
  /** Each Web API method called, in order (tests count what the app asked). */
  readonly calls: string[] = [];
  private lastTs = 0;

  constructor(
    readonly teamId: string,
    readonly teamDomain: string,
    readonly botUserId: string,
    readonly channels: readonly LocalSlackChannel[],
    readonly users: readonly LocalSlackUser[],
  ) {}

  channel(id: string): LocalSlackChannel | undefined {
    return this.channels.find((channel) => channel.id === id);
  }

  userById(id: string): LocalSlackUser | undefined {
    return this.users.find((user) => user.id === id);
  }

  /** users.lookupByEmail's answer: a member of this workspace with the address (never another organisation's member). */
  userByEmail(email: string): LocalSlackUser | undefined {
    return this.users.find((user) => (user.teamId ?? this.teamId) === this.teamId && user.email.toLowerCase() === email.toLowerCase());
  }

  /** A new message ts: microseconds since the epoch, strictly increasing even within one microsecond. */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  post(message: Omit<LocalSlackMessage, 'ts'>): LocalSlackMessage {
    const stored = { ...message, ts: this.nextTs() };
    this.messages.push(stored);
    return stored;
  }

  find(channel: string, ts: string): LocalSlackMessage | undefined {
    return this.messages.find((message) => message.channel === channel && message.ts === ts && message.visibleTo === undefined);
  }

  /** A channel's top-level messages, oldest first, each with its thread. */
  topLevel(channel: string): LocalSlackMessage[] {
    return this.messages.filter((message) => message.channel === channel && message.threadTs === undefined);
  }

  replies(channel: string, threadTs: string): LocalSlackMessage[] {
    return this.messages.filter((message) => message.channel === channel && message.threadTs === threadTs);
  }

  clear(): void {
    this.messages.length = 0;
  }
}
