import { makeRecords, summarize } from '#lib/lab/payload.ts';

// Clean: a form action that works on per-request data and returns a summary.
export async function load({ params }) {
	return { id: params.id };
}

export const actions = {
	default: async ({ request, params }) => {
		const form = await request.formData();
		return summarize(makeRecords(`${params.id}:${form.get('text')}`, 200));
	}
};
