import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { heapwatch } from './check-runner.ts';

// A route that keeps memory in a module-level object, one that leaves an interval per request, and a
// clean one. One window (--runs 20) never decides: the trend starts one window in; the clean one ends undecided, allowed,
// so it is a skipped testcase whatever the machine's noise, and the two leaks are the failures.
const ROUTES = ['/lab/unbounded-cache/{n}', '/lab/interval/{n}', '/lab/weakmap/{n}', '--runs', '20', '--allow-undecided'];
const INTERVAL_FILE = 'playground/src/routes/lab/interval/[id]/+page.server.ts';
const CACHE_FILE = 'playground/src/routes/lab/unbounded-cache/[id]/+page.server.ts';

// CommonJS packages: Node's ESM interop hands over module.exports, whose `default` is the class (or plugin).
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;

const here = path.dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(path.join(tmpdir(), 'heapwatch-reporters-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('heapwatch check reporters', () => {
	it('writes JUnit XML to --output: one testcase per target, a failure per leak with the finding text; the table on stdout', async () => {
		const file = path.join(out, 'heapwatch.xml');
		const { code, stdout } = await heapwatch('check', ...ROUTES, '--reporter', 'junit', '--output', file);
		expect(code).toBe(1);
		expect(stdout).toMatch(/^route +decision +retained\/request/m);
		const xml = readFileSync(file, 'utf8');
		expect(XMLValidator.validate(xml)).toBe(true);
		const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
		const suite = parsed.testsuites.testsuite;
		const cases = asArray(suite.testcase) as {
			name: string;
			file?: string;
			failure?: { message: string; type: string; '#text': string };
			skipped?: { message: string };
		}[];
		expect(cases.map((c) => c.name)).toEqual(['GET /lab/unbounded-cache/[id]', 'GET /lab/interval/[id]', 'GET /lab/weakmap/[id]']);
		expect(suite.tests).toBe('3');
		expect(suite.failures).toBe('2');
		const [cache, interval, weakmap] = cases;
		expect(cache.failure?.type).toBe('leak');
		expect(cache.failure?.['#text']).toMatch(
			/kept-by: \/lab\/unbounded-cache\/\[id\]: Object `globalCache` at src\/routes\/lab\/unbounded-cache\/\[id\]\/\+page\.server\.ts:\d+/
		);
		expect(cache.file).toBe(CACHE_FILE);
		expect(interval.failure?.['#text']).toMatch(/handles: \/lab\/interval\/\[id\] leaves \d+ Interval .* alive after its responses/);
		expect(weakmap.failure).toBeUndefined();
		expect(weakmap.skipped?.message).toMatch(
			/^\/lab\/weakmap\/\[id\] has no trend to decide on after 20 requests \(it needs 4 post-GC samples, from one window into the measured requests\)\./
		);
		expect(suite.skipped).toBe('1');
	});

	it('writes SARIF that validates against the SARIF 2.1.0 schema, a result per finding at its line', async () => {
		const file = path.join(out, 'heapwatch.sarif');
		const { code } = await heapwatch('check', ...ROUTES, '--reporter', 'sarif', '--output', file);
		expect(code).toBe(1);
		const sarif = JSON.parse(readFileSync(file, 'utf8'));
		const schema = JSON.parse(readFileSync(path.join(here, '../fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8'));
		// The schema has a pattern that is no valid regular expression in unicode mode (language codes, in
		// artifact.sourceLanguage): compile its patterns as plain ones.
		const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
		addFormats(ajv);
		const validate = ajv.compile(schema);
		expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
		const results = sarif.runs[0].results as {
			ruleId: string;
			level: string;
			locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
		}[];
		const kept = results.find((r) => r.ruleId === 'heapwatch/kept-by');
		expect(kept?.level).toBe('error');
		expect(decodeURI(kept!.locations[0].physicalLocation.artifactLocation.uri)).toBe(CACHE_FILE);
		expect(kept!.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
		const handles = results.find((r) => r.ruleId === 'heapwatch/handles');
		expect(decodeURI(handles!.locations[0].physicalLocation.artifactLocation.uri)).toBe(INTERVAL_FILE);
		const weakmap = results.filter((r) => r.locations[0].physicalLocation.artifactLocation.uri.includes('weakmap'));
		expect(weakmap.map((r) => [r.ruleId, r.level])).toEqual([['heapwatch/undecided', 'warning']]);
		expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['heapwatch/kept-by', 'heapwatch/handles']));
	});

	it('prints GitHub annotations at the file and line after the table', async () => {
		const { code, stdout } = await heapwatch('check', ...ROUTES, '--reporter', 'github');
		expect(code).toBe(1);
		expect(stdout).toMatch(/^route +decision +retained\/request/m);
		const annotation = (file: string, kind: string, route: string) =>
			new RegExp(`^::error file=${file.replace(/[[\]+/.]/g, '\\$&')},line=\\d+,title=heapwatch%3A ${kind} in ${route.replace(/[[\]/]/g, '\\$&')}::\\S`, 'm');
		expect(stdout).toMatch(annotation(INTERVAL_FILE, 'handles', '/lab/interval/[id]'));
		expect(stdout).toMatch(annotation(CACHE_FILE, 'kept-by', '/lab/unbounded-cache/[id]'));
		expect(stdout).not.toMatch(/^::error .*weakmap/m);
		expect(stdout).toMatch(
			/^::warning file=playground\/src\/routes\/lab\/weakmap\/\[id\]\/\+page\.server\.ts,line=1,title=heapwatch%3A undecided in \/lab\/weakmap\/\[id\]::/m
		);
	});
});
