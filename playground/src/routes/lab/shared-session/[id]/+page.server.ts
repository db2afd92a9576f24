// The same bug through an object: one module-level `session` for everyone, its `user` set from each
// request's cookie. Overlapping requests read each other's user.
const session: { user?: string } = {};

const lookUp = async (name: string) => {
	await new Promise((resolve) => setTimeout(resolve, 5));
	return { name };
};

export async function load({ params, cookies }) {
	session.user = cookies.get('user') ?? params.id;
	const profile = await lookUp(session.user);
	return { user: session.user, profile: profile.name };
}
