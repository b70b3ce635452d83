// Reads the frame worker's status messages (page side): only well-formed receive/send statuses are acted on.
import { z } from 'zod';
import { feedIdSchema, FRAME_ORIGIN_STATES } from '../../../../protocol/frame-origin';
import { mediaSenderIdSchema } from '../../../../protocol/media-keys';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const frameWorkerStatusSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('receive-status'), senderId: mediaSenderIdSchema,
    state: z.enum(['waiting-key', 'decrypting', 'cannot-decrypt']), decrypted: count, dropped: count,
    dropReasons: z.record(z.string(), count)
  }),
  z.object({
    type: z.literal('origin-status'), senderId: mediaSenderIdSchema, feedId: feedIdSchema, state: z.enum(FRAME_ORIGIN_STATES),
    proven: count, forged: count, unproven: count
  }),
  z.object({ type: z.literal('send-status'), state: z.enum(['waiting-key', 'encrypting', 'exhausted']), encrypted: count, dropped: count }),
  z.object({ type: z.literal('worker-error'), reason: z.string().max(64) })
]);
export type WorkerStatus = z.infer<typeof frameWorkerStatusSchema>;
export type ReceiveStatus = Extract<WorkerStatus, { type: 'receive-status' }>;
export type SendStatus = Extract<WorkerStatus, { type: 'send-status' }>;

/** Subscribes to a frame worker's statuses; the returned function unsubscribes. */
export function watchWorker(worker: Worker, onStatus: (s: WorkerStatus) => void): () => void {
  const listener = (e: MessageEvent) => {
    const parsed = frameWorkerStatusSchema.safeParse(e.data);
    if (parsed.success) onStatus(parsed.data);
  };
  worker.addEventListener('message', listener);
  return () => worker.removeEventListener('message', listener);
}
