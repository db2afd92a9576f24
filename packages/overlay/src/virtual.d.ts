declare module 'virtual:heapwatch-options' {
	const options: import('./options.ts').OverlayOptions | null;
	export default options;
}

// Vite's `?inline`: the stylesheet as a (minified) string. Declared here rather than pulling in all of vite/client's types.
declare module '*.css?inline' {
	const css: string;
	export default css;
}
