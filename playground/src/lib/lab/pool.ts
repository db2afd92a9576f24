/** A tiny connection pool: connections are handed out and must be given back with release(). */
export interface Connection {
	id: number;
	buffer: { row: number; value: string }[];
	release(): void;
}

const inUse = new Set<Connection>();
let nextId = 0;

export function acquire(): Connection {
	const connection: Connection = {
		id: nextId++,
		buffer: Array.from({ length: 1000 }, (_, row) => ({ row, value: `row-${row}` })),
		release: () => inUse.delete(connection)
	};
	inUse.add(connection);
	return connection;
}

export function poolSize() {
	return inUse.size;
}
