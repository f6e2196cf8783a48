import type { ClusterChange } from '../redis/cluster-change.js';
import type { AnswerCache } from '../rest/answer-cache.js';
import type { AppCache } from '../rest/app-cache.js';
import type { VerifiedUserSigCache } from '../usersig/index.js';

export interface NodeCaches {
  readonly apps: AppCache;
  readonly answers: AnswerCache;
  readonly userSigs: VerifiedUserSigCache;
}

/** What a change heard from another node (or this one) does to this node's caches. */
export function applyClusterChange(caches: NodeCaches, change: ClusterChange): void {
  switch (change.kind) {
    case 'app':
      caches.apps.forget(change.sdkappid);
      caches.answers.forget(change.sdkappid);
      caches.userSigs.forgetApp(change.sdkappid);
      return;
    case 'data':
      for (const id of change.sdkappids) caches.answers.forget(id);
      return;
    case 'token':
      // Console tokens are read from the database on every call: nothing is cached to drop.
      return;
    case 'resync':
      caches.apps.clear();
      caches.answers.clear();
      return;
  }
}
