import { zeroCounters, type Counters } from '../catalog/fields.js';
import type { SimulatedDay } from './simulate-options.js';
import type { ZoneDays } from './zone-days.js';

/**
 * The simulator's own count of every field, kept alongside generation from the simulator's
 * exact state (presence, membership), so a test can compare the pipeline's numbers with what
 * the stream must produce. Distinct counts use per-user day stamps: no sets, memory fixed by
 * the user count.
 */
export class DayTally {
  readonly #days: ZoneDays;
  readonly #onDay: ((day: SimulatedDay) => void) | undefined;
  readonly #active: Int32Array;
  readonly #login: Int32Array;
  readonly #c2cSend: Int32Array;
  readonly #groupSend: Int32Array;
  readonly #send: Int32Array;
  #day: number;
  /** Day index + 2, so the zero-filled stamp arrays never match a day. */
  #stamp: number;
  #c: Counters = zeroCounters();
  #registered: number;
  #groups = 0;
  #online = 0;

  constructor(users: number, days: ZoneDays, firstDay: number, registeredBaseline: number, onDay?: (day: SimulatedDay) => void) {
    this.#days = days;
    this.#onDay = onDay;
    this.#active = new Int32Array(users);
    this.#login = new Int32Array(users);
    this.#c2cSend = new Int32Array(users);
    this.#groupSend = new Int32Array(users);
    this.#send = new Int32Array(users);
    this.#day = firstDay;
    this.#stamp = firstDay + 2;
    this.#registered = registeredBaseline;
  }

  /** The current day's stamp, for callers that keep their own per-group stamps. */
  get stamp(): number {
    return this.#stamp;
  }

  #markActive(u: number): void {
    if (this.#active[u] !== this.#stamp) {
      this.#active[u] = this.#stamp;
      this.#c.ActiveUserNum++;
    }
  }

  #markSender(u: number): void {
    this.#markActive(u);
    if (this.#send[u] !== this.#stamp) {
      this.#send[u] = this.#stamp;
      this.#c.SendMsgUserNum++;
    }
  }

  register(): void {
    this.#c.RegistUserNumOneDay++;
    this.#registered++;
  }

  deleteUser(): void {
    this.#registered--;
  }

  login(u: number): void {
    this.#c.LoginTimes++;
    this.#markActive(u);
    if (this.#login[u] !== this.#stamp) {
      this.#login[u] = this.#stamp;
      this.#c.LoginUserNum++;
    }
  }

  /** A user went from no live session to one. */
  online(): void {
    if (++this.#online > this.#c.MaxOnlineNum) this.#c.MaxOnlineNum = this.#online;
  }

  /** A user's last live session ended. */
  offline(): void {
    this.#online--;
  }

  c2c(u: number, delivered: number): void {
    this.#c.C2CUpMsgNum++;
    this.#c.C2CDownMsgNum += delivered;
    this.#markSender(u);
    if (this.#c2cSend[u] !== this.#stamp) {
      this.#c2cSend[u] = this.#stamp;
      this.#c.C2CSendMsgUserNum++;
    }
  }

  groupMessage(u: number, delivered: number, firstForGroupToday: boolean): void {
    this.#c.GroupUpMsgNum++;
    this.#c.GroupDownMsgNum += delivered;
    if (firstForGroupToday) this.#c.GroupSendMsgGroupNum++;
    this.#markSender(u);
    if (this.#groupSend[u] !== this.#stamp) {
      this.#groupSend[u] = this.#stamp;
      this.#c.GroupSendMsgUserNum++;
    }
  }

  apnsPush(chat: 'c2c' | 'group'): void {
    if (chat === 'c2c') this.#c.C2CAPNSMsgNum++;
    else this.#c.GroupAPNSMsgNum++;
  }

  friendsAdded(n: number): void {
    this.#c.ChainIncrease += n;
  }

  friendsDeleted(n: number): void {
    this.#c.ChainDecrease += n;
  }

  groupCreated(): void {
    this.#c.GroupNewGroupNum++;
    this.#groups++;
  }

  groupDestroyed(): void {
    this.#c.GroupDestroyGroupNum++;
    this.#groups--;
  }

  joined(): void {
    this.#c.GroupJoinGroupTimes++;
  }

  quit(): void {
    this.#c.GroupQuitGroupTimes++;
  }

  callback(answered: boolean): void {
    this.#c.CallBackReq++;
    if (answered) this.#c.CallBackRsp++;
  }

  /**
   * Closes days until `day` is current. `online` is the presence mask per user: users online
   * at midnight are active on the new day and start its peak.
   */
  advanceTo(day: number, online: Uint8Array): void {
    while (this.#day < day) {
      this.#close();
      this.#day++;
      this.#stamp++;
      this.#c = zeroCounters();
      this.#c.MaxOnlineNum = this.#online;
      if (this.#online > 0) for (let u = 0; u < online.length; u++) if (online[u] !== 0) this.#markActive(u);
    }
  }

  /** Closes the current day (the last one). */
  finish(): void {
    this.#close();
  }

  #close(): void {
    const c = this.#c;
    c.UpMsgNum = c.C2CUpMsgNum + c.GroupUpMsgNum;
    c.DownMsgNum = c.C2CDownMsgNum + c.GroupDownMsgNum;
    c.APNSMsgNum = c.C2CAPNSMsgNum + c.GroupAPNSMsgNum;
    c.RegistUserNumTotal = this.#registered;
    c.GroupAllGroupNum = this.#groups;
    this.#onDay?.({ day: this.#days.day(this.#day), warmUp: this.#day < 0, counters: c });
  }
}
