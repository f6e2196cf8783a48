import { zeroCounters, type Counters } from '../catalog/fields.js';
import { PLATFORMS, VENDORS } from './platforms.js';
import type { ExtraSums, PlatformCounts, SimulatedBucket, VendorCounts } from './simulate-options.js';

const P = PLATFORMS.length;

function zeroPlatform(): PlatformCounts {
  return {
    ActiveUserNum: 0, C2CSendMsgUserNum: 0, C2CUpMsgNum: 0, GroupSendMsgUserNum: 0, GroupUpMsgNum: 0,
    LoginTimes: 0, LoginUserNum: 0, MaxOnlineNum: 0, SendMsgUserNum: 0, UpMsgNum: 0,
  };
}

function zeroExtra(): ExtraSums {
  return { C2COfflineMsgNum: 0, C2CPushNum: 0, GroupOfflineMsgNum: 0, GroupPushNum: 0, PushNum: 0 };
}

/**
 * The simulator's count of one grain (days or hours) for the bucket in progress: the 29 counted
 * fields, the getstats-only sums, and the per-platform and per-vendor breakdowns, from the
 * simulator's exact state. Distinct counts use per-user (and per-user × platform) bucket stamps:
 * no sets, memory fixed by the user count. The owner (SimTally) keeps presence and the net state
 * and says when a bucket begins.
 */
export class GrainTally {
  readonly #onClose: (bucket: SimulatedBucket) => void;
  readonly #active: Int32Array;
  readonly #login: Int32Array;
  readonly #c2cSend: Int32Array;
  readonly #groupSend: Int32Array;
  readonly #send: Int32Array;
  // Per user × platform (index u * P + p).
  readonly #pActive: Int32Array;
  readonly #pLogin: Int32Array;
  readonly #pC2cSend: Int32Array;
  readonly #pGroupSend: Int32Array;
  readonly #pSend: Int32Array;
  /** Per group slot: the stamp of the last bucket it had a message in. */
  #groupStamp = new Int32Array(64);
  /** Bucket serial + 1, so the zero-filled stamp arrays never match. */
  #stamp = 0;
  #label = '';
  #c: Counters = zeroCounters();
  #extra: ExtraSums = zeroExtra();
  #platforms: (PlatformCounts | undefined)[] = [];
  #vendors: (VendorCounts | undefined)[] = [];

  constructor(users: number, onClose: (bucket: SimulatedBucket) => void) {
    this.#onClose = onClose;
    this.#active = new Int32Array(users);
    this.#login = new Int32Array(users);
    this.#c2cSend = new Int32Array(users);
    this.#groupSend = new Int32Array(users);
    this.#send = new Int32Array(users);
    this.#pActive = new Int32Array(users * P);
    this.#pLogin = new Int32Array(users * P);
    this.#pC2cSend = new Int32Array(users * P);
    this.#pGroupSend = new Int32Array(users * P);
    this.#pSend = new Int32Array(users * P);
  }

  /** The label of the bucket in progress ('' before the first). */
  get label(): string {
    return this.#label;
  }

  /** The stamp of the bucket in progress (ids of "seen in this bucket"). */
  get stamp(): number {
    return this.#stamp;
  }

  /** Whether u was active in the bucket in progress. */
  isActive(u: number): boolean {
    return this.#active[u] === this.#stamp;
  }

  #platform(p: number): PlatformCounts {
    return (this.#platforms[p] ??= zeroPlatform());
  }

  #mark(u: number, p: number, all: Int32Array, per: Int32Array, field: 'ActiveUserNum' | 'LoginUserNum' | 'SendMsgUserNum' | 'C2CSendMsgUserNum' | 'GroupSendMsgUserNum'): void {
    const stamp = this.#stamp;
    if (all[u] !== stamp) {
      all[u] = stamp;
      this.#c[field]++;
    }
    const i = u * P + p;
    if (per[i] !== stamp) {
      per[i] = stamp;
      this.#platform(p)[field]++;
    }
  }

  /**
   * Begins `label` (close the bucket in progress first). `online` is the presence mask per
   * user: users online at the start are active in the new bucket (on each platform they are
   * online on), and the peaks start from the counts online now.
   */
  open(label: string, online: Uint8Array, onlineUsers: number, platformOnline: Int32Array): void {
    this.#label = label;
    this.#stamp++;
    this.#c = zeroCounters();
    this.#extra = zeroExtra();
    this.#platforms = [];
    this.#vendors = [];
    this.#c.MaxOnlineNum = onlineUsers;
    for (let p = 0; p < P; p++) if (platformOnline[p]! > 0) this.#platform(p).MaxOnlineNum = platformOnline[p]!;
    if (onlineUsers > 0) {
      for (let u = 0; u < online.length; u++) {
        const mask = online[u]!;
        if (mask === 0) continue;
        for (let p = 0; p < P; p++) if ((mask & (1 << p)) !== 0) this.#mark(u, p, this.#active, this.#pActive, 'ActiveUserNum');
      }
    }
  }

  /** Emits the bucket in progress; `net` is the state at its end. */
  close(net: { registered: number; groups: number }): void {
    const c = this.#c;
    c.UpMsgNum = c.C2CUpMsgNum + c.GroupUpMsgNum;
    c.DownMsgNum = c.C2CDownMsgNum + c.GroupDownMsgNum;
    c.APNSMsgNum = c.C2CAPNSMsgNum + c.GroupAPNSMsgNum;
    c.RegistUserNumTotal = net.registered;
    c.GroupAllGroupNum = net.groups;
    const platforms: Record<string, PlatformCounts> = {};
    this.#platforms.forEach((pc, p) => {
      if (pc === undefined) return;
      pc.UpMsgNum = pc.C2CUpMsgNum + pc.GroupUpMsgNum;
      platforms[PLATFORMS[p]!] = pc;
    });
    const vendors: Record<string, VendorCounts> = {};
    this.#vendors.forEach((vc, v) => {
      if (vc !== undefined) vendors[VENDORS[v]!] = vc;
    });
    this.#onClose({ bucket: this.#label, counters: c, extra: this.#extra, platforms, vendors });
  }

  add(field: 'RegistUserNumOneDay' | 'ChainIncrease' | 'ChainDecrease' | 'GroupNewGroupNum' | 'GroupDestroyGroupNum' | 'GroupJoinGroupTimes' | 'GroupQuitGroupTimes' | 'CallBackReq' | 'CallBackRsp', n = 1): void {
    this.#c[field] += n;
  }

  login(u: number, p: number): void {
    this.#c.LoginTimes++;
    this.#platform(p).LoginTimes++;
    this.#mark(u, p, this.#active, this.#pActive, 'ActiveUserNum');
    this.#mark(u, p, this.#login, this.#pLogin, 'LoginUserNum');
  }

  /** The online counts after a login on platform p. */
  peak(onlineUsers: number, p: number, onPlatform: number): void {
    if (onlineUsers > this.#c.MaxOnlineNum) this.#c.MaxOnlineNum = onlineUsers;
    const pc = this.#platform(p);
    if (onPlatform > pc.MaxOnlineNum) pc.MaxOnlineNum = onPlatform;
  }

  #sender(u: number, p: number): void {
    this.#mark(u, p, this.#active, this.#pActive, 'ActiveUserNum');
    this.#mark(u, p, this.#send, this.#pSend, 'SendMsgUserNum');
  }

  c2c(u: number, p: number, delivered: number, offline: number): void {
    this.#c.C2CUpMsgNum++;
    this.#c.C2CDownMsgNum += delivered;
    this.#extra.C2COfflineMsgNum += offline;
    this.#platform(p).C2CUpMsgNum++;
    this.#sender(u, p);
    this.#mark(u, p, this.#c2cSend, this.#pC2cSend, 'C2CSendMsgUserNum');
  }

  groupMessage(u: number, p: number, g: number, delivered: number, offline: number): void {
    this.#c.GroupUpMsgNum++;
    this.#c.GroupDownMsgNum += delivered;
    this.#extra.GroupOfflineMsgNum += offline;
    this.#platform(p).GroupUpMsgNum++;
    if (g >= this.#groupStamp.length) {
      const grown = new Int32Array(Math.max(g + 1, 2 * this.#groupStamp.length));
      grown.set(this.#groupStamp);
      this.#groupStamp = grown;
    }
    if (this.#groupStamp[g] !== this.#stamp) {
      this.#groupStamp[g] = this.#stamp;
      this.#c.GroupSendMsgGroupNum++;
    }
    this.#sender(u, p);
    this.#mark(u, p, this.#groupSend, this.#pGroupSend, 'GroupSendMsgUserNum');
  }

  /** A group slot now holds a new group: its messages so far were another group's. */
  resetGroup(g: number): void {
    if (g < this.#groupStamp.length) this.#groupStamp[g] = 0;
  }

  push(vendor: number, chat: 'c2c' | 'group'): void {
    const vc = (this.#vendors[vendor] ??= { C2CPushNum: 0, GroupPushNum: 0, PushNum: 0 });
    this.#extra.PushNum++;
    vc.PushNum++;
    if (chat === 'c2c') {
      this.#extra.C2CPushNum++;
      vc.C2CPushNum++;
    } else {
      this.#extra.GroupPushNum++;
      vc.GroupPushNum++;
    }
    if (vendor === 0) {
      if (chat === 'c2c') this.#c.C2CAPNSMsgNum++;
      else this.#c.GroupAPNSMsgNum++;
    }
  }
}
