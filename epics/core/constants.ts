/** Protocol constants of Channel Access, with the numbers EPICS uses on the wire. */

/** The minor protocol version skyloop speaks (EPICS 3.14 and later: 13). */
export const CA_MINOR_PROTOCOL_REVISION = 13;
export const CA_MAJOR_PROTOCOL_REVISION = 4;
export const DEFAULT_CA_SERVER_PORT = 5064;
export const DEFAULT_CA_REPEATER_PORT = 5065;
/** EPICS default for EPICS_CA_MAX_ARRAY_BYTES. */
export const DEFAULT_MAX_ARRAY_BYTES = 16384;

export const MAX_STRING_SIZE = 40;
export const MAX_UNITS_SIZE = 8;
export const MAX_ENUM_STRING_SIZE = 26;
export const MAX_ENUM_STATES = 16;

/** Header sizes: the extended form carries 32-bit payload size and element count. */
export const HEADER_SIZE = 16;
export const EXTENDED_HEADER_SIZE = 24;

/** The reply flag in CA_PROTO_SEARCH: whether the server should answer NOT_FOUND. */
export const SearchReply = { DO_REPLY: 10, DONT_REPLY: 5 } as const;
export type SearchReply = (typeof SearchReply)[keyof typeof SearchReply];

/** Monitor event masks (DBE_*). */
export const Dbe = { VALUE: 1, LOG: 2, ALARM: 4, PROPERTY: 8 } as const;
export type DbeMask = number;
export const DBE_ALL = Dbe.VALUE | Dbe.LOG | Dbe.ALARM | Dbe.PROPERTY;

/** Access-rights bits in CA_PROTO_ACCESS_RIGHTS. */
export const AccessRights = { NONE: 0, READ: 1, WRITE: 2, READ_WRITE: 3 } as const;
export type AccessRights = (typeof AccessRights)[keyof typeof AccessRights];

/** Circuit priorities (carried in CA_PROTO_VERSION's data type). */
export const CA_PRIORITY_MIN = 0;
export const CA_PRIORITY_MAX = 99;

/** Server address meaning "use the address the reply came from" in a search reply. */
export const INADDR_ANY_REPLY = 0xffffffff;

/** Seconds from the POSIX epoch (1970-01-01) to the EPICS epoch (1990-01-01). */
export const EPICS_EPOCH_OFFSET_S = 631152000;
