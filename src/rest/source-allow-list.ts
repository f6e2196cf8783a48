import { BlockList, isIP } from 'node:net';

/**
 * A set of source addresses: single IPv4/IPv6 addresses and CIDR blocks (`10.0.0.0/8`,
 * `fd00::/8`), matched with node's own `net.BlockList` (IPv4-mapped IPv6 addresses such as
 * `::ffff:10.1.2.3` match their IPv4 entries). Empty: every address is allowed.
 */
export class SourceAllowList {
  readonly #list = new BlockList();
  /** The entries, normalised, in the order given. */
  readonly entries: readonly string[];

  private constructor(entries: string[]) {
    this.entries = entries;
    for (const entry of entries) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.#list.addAddress(address, family);
      else this.#list.addSubnet(address, Number(bits), family);
    }
  }

  /** Parses `a, b/24, …` (commas or spaces); throws RangeError naming the first bad entry. */
  static parse(text: string): SourceAllowList {
    const entries = text
      .split(/[\s,]+/)
      .map((e) => e.trim())
      .filter((e) => e !== '');
    for (const entry of entries) {
      const [address, bits, extra] = entry.split('/');
      const version = isIP(address ?? '');
      const max = version === 6 ? 128 : 32;
      if (version === 0 || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max))) {
        throw new RangeError(`${JSON.stringify(entry)} is not an IP address or a CIDR block (like 10.0.0.0/8 or fd00::/8)`);
      }
    }
    return new SourceAllowList(entries);
  }

  /** True when the list is empty or `address` is in it. */
  allows(address: string): boolean {
    if (this.entries.length === 0) return true;
    const version = isIP(address);
    if (version === 0) return false;
    if (this.#list.check(address, version === 6 ? 'ipv6' : 'ipv4')) return true;
    // BlockList does not match an IPv4-mapped IPv6 address against an IPv4 subnet on every node version.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    return mapped !== null && this.#list.check(mapped[1]!, 'ipv4');
  }

  /** The entries as stored (comma-separated). */
  toString(): string {
    return this.entries.join(',');
  }
}
