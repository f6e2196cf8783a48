// Tencent's own Node library (devDependency tls-sig-api-v2), driven at a chosen time; tests only.
import { createRequire } from 'node:module';

interface TlsSigApi {
  genUserSig(userid: string, expire: number): string;
  genSig(userid: string, expire: number, userBuf: Buffer | null): string;
  genPrivateMapKey(userid: string, expire: number, roomid: number, privilegeMap: number): string;
}
type TlsSigApiConstructor = new (sdkappid: number, key: string) => TlsSigApi;

const { Api } = createRequire(import.meta.url)('tls-sig-api-v2') as { Api: TlsSigApiConstructor };

/**
 * Runs `use` with Tencent's library for (sdkappid, key) while Date.now() reads `nowSeconds`
 * (the library has no time parameter). Synchronous, so nothing else observes the fake time.
 */
export function withOfficialNodeLibrary<T>(sdkappid: number, key: string, nowSeconds: number, use: (api: TlsSigApi) => T): T {
  const realNow = Date.now;
  Date.now = () => nowSeconds * 1000 + 999;
  try {
    return use(new Api(sdkappid, key));
  } finally {
    Date.now = realNow;
  }
}
