import type { StateNeeds } from './app-state.js';
import type { StatefulInput } from './reduce-app-batch.js';

/**
 * Which state one app's batch needs, from its events alone. `crossesHour` tells whether
 * presence moves into a later hour, which needs every live session (the users carried over).
 */
export function stateNeeds(events: readonly StatefulInput[], crossesHour: boolean): StateNeeds {
  const needs: StateNeeds = {
    registeredUsers: new Set(),
    groups: new Set(),
    memberGroups: new Set(),
    sessionUsers: new Set(),
    allSessions: crossesHour,
  };
  for (const e of events) {
    switch (e.type) {
      case 'user.register':
      case 'user.delete':
        needs.registeredUsers.add(e.user);
        break;
      case 'user.login':
      case 'user.logout':
        needs.sessionUsers.add(e.user);
        break;
      case 'msg.c2c':
        if (e.delivered === undefined) needs.sessionUsers.add(e.to);
        break;
      case 'msg.group':
        // Members are needed even when deliveries are stated: GroupOfflineMsgNum counts the others.
        needs.memberGroups.add(e.group);
        break;
      case 'group.create':
        needs.groups.add(e.group);
        needs.memberGroups.add(e.group);
        // New members may receive a group message later in the batch.
        for (const m of e.members) needs.sessionUsers.add(m);
        break;
      case 'group.destroy':
        needs.groups.add(e.group);
        needs.memberGroups.add(e.group);
        break;
      case 'group.join':
        needs.memberGroups.add(e.group);
        needs.sessionUsers.add(e.user);
        break;
      case 'group.quit':
        needs.memberGroups.add(e.group);
        break;
      case 'push':
      case 'friend.add':
      case 'friend.delete':
      case 'callback':
      case 'clock':
        break;
    }
  }
  return needs;
}
