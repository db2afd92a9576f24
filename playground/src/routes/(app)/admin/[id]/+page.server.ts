export async function load({ params }) {
	return { id: params.id };
}

export const actions = {
	rename: async ({ request, params }) => {
		const form = await request.formData();
		return { id: params.id, name: String(form.get('name') ?? '') };
	}
};
