// A request that stays open: server-sent events, a comment every second until the client leaves.
// heapwatch must keep finding leaks elsewhere while one of these is open (an SSE tab, a long poll).
export function GET() {
	let timer: ReturnType<typeof setInterval> | undefined;
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const encoder = new TextEncoder();
			controller.enqueue(encoder.encode(': open\n\n'));
			timer = setInterval(() => controller.enqueue(encoder.encode(`: ${new Date().toISOString()}\n\n`)), 1000);
		},
		cancel() {
			clearInterval(timer);
		}
	});
	return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } });
}
