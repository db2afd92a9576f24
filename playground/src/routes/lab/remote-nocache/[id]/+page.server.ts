import { getReport } from '../data.remote.ts';

export async function load({ params }) {
	return { report: await getReport(params.id) };
}
