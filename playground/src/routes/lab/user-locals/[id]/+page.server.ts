// The twin of /lab/shared-user: the user lives in event.locals, one per request.
const lookUp = async (name: string) => {
	await new Promise((resolve) => setTimeout(resolve, 5));
	return { name };
};

export async function load({ params, cookies, locals }) {
	locals.user = { name: cookies.get('user') ?? params.id };
	const profile = await lookUp(locals.user.name);
	return { user: locals.user.name, profile: profile.name };
}
