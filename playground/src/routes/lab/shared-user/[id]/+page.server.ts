// SvelteKit's most-voted class of bug (kit#4338): one module-level variable for everyone's user.
// Two overlapping requests from different users see each other's data.
let currentUser: { name: string } | undefined;

const lookUp = async (name: string) => {
	await new Promise((resolve) => setTimeout(resolve, 5));
	return { name };
};

export async function load({ params, cookies }) {
	currentUser = { name: cookies.get('user') ?? params.id };
	const profile = await lookUp(currentUser.name);
	return { user: currentUser.name, profile: profile.name };
}
