// Leaks only when clients leave: three events, then the stream closes and its timer stops. There is
// no cancel(), so a client that goes away before the third event (a closed tab, a dropped EventSource)
// leaves the timer running for good, with the 4 KB it holds. `heapwatch check --abort` finds it. Unlike
// /lab/sse-no-cancel it ends, so a check that reads every response whole can request it too.
const EVERY_MS = 100;

export function GET() {
	const encoder = new TextEncoder();
	const last = { sent: 0, payload: 'x'.repeat(4096) };
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const timer = setInterval(() => {
				try {
					controller.enqueue(encoder.encode(`data: ${++last.sent} ${last.payload.length}\n\n`));
				} catch {
					// The client left and the stream was cancelled: nobody reads, and nothing stops this timer.
					return;
				}
				if (last.sent === 3) {
					clearInterval(timer);
					controller.close();
				}
			}, EVERY_MS);
		}
	});
	return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } });
}
