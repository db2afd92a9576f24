// Not a leak pattern: a response streamed in five chunks over about a second, so that a client can
// go away half-way (test/integration/aborted-requests.test.ts). The timer stops either way.
const CHUNKS = 5;
const EVERY_MS = 200;

export function GET() {
	let timer: ReturnType<typeof setInterval> | undefined;
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			let sent = 0;
			timer = setInterval(() => {
				controller.enqueue(new TextEncoder().encode(`chunk ${++sent} of ${CHUNKS}\n`));
				if (sent === CHUNKS) {
					clearInterval(timer);
					controller.close();
				}
			}, EVERY_MS);
		},
		cancel() {
			clearInterval(timer);
		}
	});
	return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
