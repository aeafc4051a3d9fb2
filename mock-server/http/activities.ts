import type { Request, Response } from 'express';
import { answerActivity, parseActivities } from '../protocol/activities.js';
import { badRequest, tooLarge } from '../errors.js';
import { receivedActivitiesOf } from '../log/received-activities.js';
import type { Call, Handler } from './call.js';
import type { HostContext } from './context.js';
import { requireResource } from './wopi-access.js';

/** An AddActivities body is a little JSON; anything this large is not one. */
const maxActivitiesBodyBytes = 256 * 1024;

/**
 * AddActivities (protocol/activities.ts): answers each activity, keeps what arrived per file for the
 * admin API, and notes each one in the request log.
 */
export function activityHandlers(context: HostContext) {
  const activities = receivedActivitiesOf(context.files);

  const addActivities: Handler = async (req, res, call) => {
    const { user, record } = requireResource(call, context, 'file');
    const parsed = parseActivities((await readBody(req, res, call)).toString('utf8'));
    if (!parsed.ok) throw badRequest(`AddActivities: ${parsed.reason}`);
    const receivedAt = new Date(context.clock()).toISOString();
    const answers = parsed.activities.map((activity) => ({ activity, answer: answerActivity(activity) }));
    activities.add(
      record.id,
      answers.map(({ activity, answer }) => ({
        receivedAt,
        userId: user.id,
        id: activity.id,
        type: activity.type,
        status: answer.Status,
        message: answer.Message,
        activity: activity.body,
      })),
    );
    for (const { answer } of answers) call.notes.push(`activity ${answer.Id}: Status ${answer.Status}, ${answer.Message}`);
    res.json({ ActivityResponses: answers.map(({ answer }) => answer) });
  };

  return { addActivities };
}

async function readBody(req: Request, res: Response, call: Call): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxActivitiesBodyBytes) {
    res.setHeader('Connection', 'close');
    throw tooLarge(`an AddActivities body is at most ${maxActivitiesBodyBytes} bytes, not ${declared}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving early must not destroy the request: the 413 still has to go out.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxActivitiesBodyBytes) {
      res.setHeader('Connection', 'close');
      throw tooLarge(`an AddActivities body is at most ${maxActivitiesBodyBytes} bytes`);
    }
    chunks.push(chunk);
  }
  call.requestBody = Buffer.concat(chunks);
  return call.requestBody;
}
