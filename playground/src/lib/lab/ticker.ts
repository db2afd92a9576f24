// A module-level heartbeat: one interval per module instance. Fine once; but every HMR edit of this
// file evaluates a new instance, and the old instance's interval keeps running.
export const heartbeat = { beats: 0 };

setInterval(() => {
	heartbeat.beats++;
}, 1000);
