// Page → frame-worker setup messages (they carry DOM objects, so they live here and not in protocol/).
import { z } from 'zod';
import { feedIdSchema } from '../../../protocol/frame-origin';
import { mediaSenderIdSchema, transformSideSchema } from '../../../protocol/media-keys';

/** The key port comes first (the page forwards it from main untouched); streams only on the createEncodedStreams path. */
export const workerSetupMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('key-port'), port: z.instanceof(MessagePort) }).strict(),
  z.object({
    type: z.literal('encoded-streams'), side: transformSideSchema, senderId: mediaSenderIdSchema, feedId: feedIdSchema.optional(),
    readable: z.instanceof(ReadableStream), writable: z.instanceof(WritableStream)
  }).strict()
]);
export type WorkerSetupMessage = z.infer<typeof workerSetupMessageSchema>;
