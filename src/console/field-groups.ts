import { COUNTED_FIELDS, fieldDef, type CountedField } from '../catalog/fields.js';

/**
 * How the console groups the charts of the counted fields (console.md: Users, Messages, Pushes,
 * Groups, Friends, Callbacks). Names come from the field catalog; a test checks that every
 * counted field is in exactly one group.
 */
export const FIELD_GROUPS: readonly { readonly title: string; readonly fields: readonly CountedField[] }[] = [
  { title: 'Users', fields: ['ActiveUserNum', 'LoginUserNum', 'LoginTimes', 'MaxOnlineNum', 'RegistUserNumOneDay', 'RegistUserNumTotal'] },
  {
    title: 'Messages',
    fields: ['UpMsgNum', 'C2CUpMsgNum', 'GroupUpMsgNum', 'DownMsgNum', 'C2CDownMsgNum', 'GroupDownMsgNum', 'SendMsgUserNum', 'C2CSendMsgUserNum', 'GroupSendMsgUserNum'],
  },
  { title: 'Pushes', fields: ['APNSMsgNum', 'C2CAPNSMsgNum', 'GroupAPNSMsgNum'] },
  { title: 'Groups', fields: ['GroupAllGroupNum', 'GroupNewGroupNum', 'GroupDestroyGroupNum', 'GroupJoinGroupTimes', 'GroupQuitGroupTimes', 'GroupSendMsgGroupNum'] },
  { title: 'Friends', fields: ['ChainIncrease', 'ChainDecrease'] },
  { title: 'Callbacks', fields: ['CallBackReq', 'CallBackRsp'] },
];

/** The headline tiles of an app's overview (console.md), in display order. */
export const HEADLINE_FIELDS: readonly CountedField[] = ['ActiveUserNum', 'LoginUserNum', 'UpMsgNum', 'MaxOnlineNum', 'RegistUserNumOneDay', 'RegistUserNumTotal'];

/** What `/console/fields.json` serves: the groups with each field's description from the catalog. */
export function consoleFieldsDocument(): unknown {
  return {
    groups: FIELD_GROUPS.map((g) => ({ title: g.title, fields: g.fields.map((name) => ({ name, description: fieldDef(name).description })) })),
    headline: HEADLINE_FIELDS,
    counted: COUNTED_FIELDS,
  };
}
