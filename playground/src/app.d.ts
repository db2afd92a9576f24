declare global {
	namespace App {
		interface Locals {
			scratch?: { id: string; index: number; score: number }[];
			user?: { name: string };
		}
	}
}

export {};
