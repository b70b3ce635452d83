// Stands in for SfuCall in SfuController tests: the test decides when it goes live or fails; it records its start, its stop and the worker it was handed.
import { Emitter } from '../../renderer/src/rtc/events';
import type { SfuCallEvents, SfuCallOptions } from '../../renderer/src/rtc/sfu/sfu-call';

export class StandInCall {
  readonly events = new Emitter<SfuCallEvents>();
  started = false;
  stopped = false;
  constructor(readonly o: SfuCallOptions) {}
  get room() { return this.o.path.room; }
  get selfId() { return this.o.selfId; }
  updatePath() {}
  membersChanged() {}
  setLayer() {}
  async replaceTrack() {}
  /** Like the real call, it publishes only once the worker is there. */
  async start() { this.started = true; await this.o.worker; }
  async stop() { this.stopped = true; }
}
