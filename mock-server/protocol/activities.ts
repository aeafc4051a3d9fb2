/**
 * AddActivities: a client tells the host what happened in a file (comments made, changed, deleted)
 * so the host can notify people. POST /wopi/files/{id}, X-WOPI-Override ADD_ACTIVITIES, a JSON body
 * `{"Activities": [...]}`; the answer has one `{Id, Status, Message}` per activity, in order.
 * The shapes follow what the WOPI validator sends and accepts (TestCases.xml, group AddActivities).
 */

// Spec (validator AddActivities tests): Status 0 is success; 3 means the host does not support the activity's type.
export const ActivityStatus = {
  Success: 0,
  NotSupported: 3,
} as const;
export type ActivityStatus = (typeof ActivityStatus)[keyof typeof ActivityStatus];

/** The activity types this host keeps; any other is answered NotSupported. */
const supportedActivityTypes: readonly string[] = ['comment'];

const maxActivitiesPerRequest = 100;
const maxIdLength = 1024;

export interface Activity {
  id: string;
  type: string;
  /** The activity as sent, unknown properties included (clients add them for future compatibility). */
  body: Record<string, unknown>;
}

export interface ActivityResponse {
  Id: string;
  Status: ActivityStatus;
  Message: string;
}

export type ParsedActivities = { ok: true; activities: Activity[] } | { ok: false; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Reads an AddActivities body. A body this host cannot answer activity by activity (not JSON, no
 * `Activities` array, an activity without Id or Type, a comment without its Data) is refused whole.
 */
export function parseActivities(text: string): ParsedActivities {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `the body is not JSON (${(error as Error).message})` };
  }
  if (!isObject(document) || !Array.isArray(document['Activities']))
    return { ok: false, reason: 'the body must be a JSON object with an "Activities" array' };
  const list: unknown[] = document['Activities'];
  if (list.length > maxActivitiesPerRequest)
    return { ok: false, reason: `at most ${maxActivitiesPerRequest} activities per request, not ${list.length}` };
  const activities: Activity[] = [];
  for (const [index, item] of list.entries()) {
    const where = `Activities[${index}]`;
    if (!isObject(item)) return { ok: false, reason: `${where} is not an object` };
    const { Id: id, Type: type } = item;
    if (!nonEmptyString(id)) return { ok: false, reason: `${where}.Id must be a non-empty string` };
    if (id.length > maxIdLength) return { ok: false, reason: `${where}.Id is longer than ${maxIdLength} characters` };
    if (!nonEmptyString(type)) return { ok: false, reason: `${where}.Type must be a non-empty string` };
    if (isSupported(type)) {
      const data = item['Data'];
      if (!isObject(data) || !nonEmptyString(data['ContentId']) || !nonEmptyString(data['ContentAction'])) {
        return { ok: false, reason: `${where} is a ${type} without Data.ContentId and Data.ContentAction` };
      }
    }
    activities.push({ id, type, body: item });
  }
  return { ok: true, activities };
}

function isSupported(type: string): boolean {
  return supportedActivityTypes.includes(type.toLowerCase());
}

/** The answer to one activity; the Id is echoed exactly as sent. */
export function answerActivity(activity: Activity): ActivityResponse {
  if (!isSupported(activity.type)) {
    return {
      Id: activity.id,
      Status: ActivityStatus.NotSupported,
      Message: `activity type ${JSON.stringify(activity.type)} is not supported (this host keeps ${supportedActivityTypes.join(', ')})`,
    };
  }
  const data = activity.body['Data'] as { ContentId: string; ContentAction: string };
  return {
    Id: activity.id,
    Status: ActivityStatus.Success,
    Message: `${activity.type} ${data.ContentAction} (ContentId ${data.ContentId.length > 40 ? `${data.ContentId.slice(0, 40)}…` : data.ContentId}) received`,
  };
}
