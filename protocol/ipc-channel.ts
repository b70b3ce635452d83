// Building block of the IPC contract: one channel = a tuple schema for its arguments plus a result type.
import type { z } from 'zod';

export interface ChannelSpec<A extends z.ZodTypeAny, R> { args: A; result?: R }
/** Declares a channel; `R` is the result type, carried only at the type level. */
export function channel<A extends z.ZodTypeAny, R>(args: A): ChannelSpec<A, R> { return { args }; }
