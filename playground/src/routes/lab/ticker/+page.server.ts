import { heartbeat } from '#lib/lab/ticker.ts';

export async function load() {
	return { beats: heartbeat.beats };
}
