// Server-sent events without cancel(): the interval is never cleared when the client leaves
// (sveltejs/kit#11751). Its twin, /lab/sse, clears it in the stream's cancel().
export function GET() {
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const encoder = new TextEncoder();
			controller.enqueue(encoder.encode(': open\n\n'));
			setInterval(() => {
				try {
					controller.enqueue(encoder.encode(`: ${new Date().toISOString()}\n\n`));
				} catch {
					// The stream is closed once the client left; the interval goes on regardless.
				}
			}, 1000);
		}
	});
	return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } });
}
