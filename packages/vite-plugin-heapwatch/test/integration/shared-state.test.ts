import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundLineOf, startDevServer, type DevServer } from '../../../../scripts/lib/dev-server.ts';
import { browse } from '../../../../scripts/lib/traffic.ts';
import type { Report } from '../../src/index.ts';

const SHARED = 'src/routes/lab/shared-user/[id]/+page.server.ts';
const SESSION = 'src/routes/lab/shared-session/[id]/+page.server.ts';
let server: DevServer;
let final: Report;
let crossed = 0;

/** Two users at once: each request carries its user's cookie; the page says which user it served. */
async function asUser(path: string, user: string): Promise<string> {
	const response = await fetch(`${server.url}${path}/__data.json`, { headers: { cookie: `user=${user}` } });
	return await response.text();
}

beforeAll(async () => {
	server = await startDevServer();
	final = await browse(server.url, { rounds: 20, pauseMs: 150 }, async () => {
		const [alice, bob] = await Promise.all([asUser('/lab/shared-user/a', 'alice'), asUser('/lab/shared-user/b', 'bob')]);
		if (alice.includes('bob') || bob.includes('alice')) crossed++;
		await Promise.all([asUser('/lab/shared-session/a', 'alice'), asUser('/lab/shared-session/b', 'bob')]);
		await Promise.all([asUser('/lab/user-locals/a', 'alice'), asUser('/lab/user-locals/b', 'bob')]);
		await fetch(`${server.url}/lab/hit-counter`).then((response) => response.arrayBuffer());
	});
});

afterAll(() => server?.stop());

describe('state shared across requests', () => {
	it('reports the module-level let that requests reassign, with its line and the route that writes it', () => {
		// The bug is real in this lab: overlapping requests of two users get each other's name.
		expect(crossed).toBeGreaterThan(0);
		const findings = final.findings.filter((finding) => finding.kind === 'shared-state');
		expect(findings).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					file: SHARED,
					verdict: 'leak',
					binding: expect.objectContaining({ name: 'currentUser', line: playgroundLineOf(SHARED, 'let currentUser'), writtenBy: ['/lab/shared-user/[id]'] })
				}),
				// A property of a module-level object, set from the request's cookie.
				expect.objectContaining({
					file: SESSION,
					binding: expect.objectContaining({ name: 'session.user', line: playgroundLineOf(SESSION, 'const session'), writtenBy: ['/lab/shared-session/[id]'] })
				})
			])
		);
		expect(findings).toHaveLength(2);
	});

	it('says so once in the terminal, and not for event.locals or a hit counter', () => {
		const output = server.output();
		const line = `state shared across requests: "currentUser" in ${SHARED}:${playgroundLineOf(SHARED, 'let currentUser')} is set by requests to /lab/shared-user/[id]; concurrent users can see each other's value. Keep per-request data in event.locals.`;
		expect(output.split(line)).toHaveLength(2);
		expect(output).not.toMatch(/state shared across requests: "(hits|startedAt)"/);
		expect(output).not.toContain('user-locals/[id]/+page.server.ts:');
	});
});
