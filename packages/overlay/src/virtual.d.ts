declare module 'virtual:heapwatch-options' {
	const options: import('./options.ts').OverlayOptions | null;
	export default options;
}
