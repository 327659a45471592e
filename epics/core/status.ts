/**
 * ECA status codes. On the wire a code is (message number << 3) | severity, as caerr.h defines them; the
 * table below keeps message number, severity and text together so the codes are computed, not typed in.
 */
const WARNING = 0;
const SUCCESS = 1;
const ERROR = 2;
const INFO = 3;
const FATAL = 6;

const def = (msgNo: number, severity: number): number => (msgNo << 3) | severity;

export const EcaStatus = {
  NORMAL: def(0, SUCCESS),
  MAXIOC: def(1, ERROR),
  UKNHOST: def(2, ERROR),
  UKNSERV: def(3, ERROR),
  SOCK: def(4, ERROR),
  CONN: def(5, WARNING),
  ALLOCMEM: def(6, WARNING),
  UKNCHAN: def(7, WARNING),
  UKNFIELD: def(8, WARNING),
  TOLARGE: def(9, WARNING),
  TIMEOUT: def(10, WARNING),
  NOSUPPORT: def(11, WARNING),
  STRTOBIG: def(12, WARNING),
  DISCONNCHID: def(13, ERROR),
  BADTYPE: def(14, ERROR),
  CHIDNOTFND: def(15, INFO),
  CHIDRETRY: def(16, INFO),
  INTERNAL: def(17, FATAL),
  DBLCLFAIL: def(18, WARNING),
  GETFAIL: def(19, WARNING),
  PUTFAIL: def(20, WARNING),
  ADDFAIL: def(21, WARNING),
  BADCOUNT: def(22, WARNING),
  BADSTR: def(23, ERROR),
  DISCONN: def(24, WARNING),
  DBLCHNL: def(25, WARNING),
  EVDISALLOW: def(26, ERROR),
  BUILDGET: def(27, WARNING),
  NEEDSFP: def(28, WARNING),
  OVEVFAIL: def(29, WARNING),
  BADMONID: def(30, ERROR),
  NEWADDR: def(31, WARNING),
  NEWCONN: def(32, INFO),
  NOCACTX: def(33, WARNING),
  DEFUNCT: def(34, FATAL),
  EMPTYSTR: def(35, WARNING),
  NOREPEATER: def(36, WARNING),
  NOCHANMSG: def(37, WARNING),
  DLCKREST: def(38, WARNING),
  SERVBEHIND: def(39, WARNING),
  NOCAST: def(40, WARNING),
  BADMASK: def(41, ERROR),
  IODONE: def(42, INFO),
  IOINPROGRESS: def(43, INFO),
  BADSYNCGRP: def(44, ERROR),
  PUTCBINPROG: def(45, ERROR),
  NORDACCESS: def(46, WARNING),
  NOWTACCESS: def(47, WARNING),
  ANACHRONISM: def(48, ERROR),
  NOSEARCHADDR: def(49, WARNING),
  NOCONVERT: def(50, WARNING),
  BADCHID: def(51, ERROR),
  BADFUNCPTR: def(52, ERROR),
  ISATTACHED: def(53, WARNING),
  UNAVAILINSERV: def(54, WARNING),
  CHANDESTROY: def(55, WARNING),
  BADPRIORITY: def(56, ERROR),
  NOTTHREADED: def(57, ERROR),
  ARRAY16KCLIENT: def(58, WARNING),
  CONNSEQTMO: def(59, WARNING),
  UNRESPTMO: def(60, WARNING),
} as const;
export type EcaStatus = (typeof EcaStatus)[keyof typeof EcaStatus];

const MESSAGES: Record<number, string> = {
  [EcaStatus.NORMAL]: "Normal successful completion",
  [EcaStatus.ALLOCMEM]: "Unable to allocate additional dynamic memory",
  [EcaStatus.TOLARGE]: "The requested transfer is greater than available memory or EPICS_CA_MAX_ARRAY_BYTES",
  [EcaStatus.TIMEOUT]: "User specified timeout on IO operation expired",
  [EcaStatus.BADTYPE]: "The data type specifed is invalid",
  [EcaStatus.INTERNAL]: "Channel Access Internal Failure",
  [EcaStatus.GETFAIL]: "Could not perform a database value get for that channel",
  [EcaStatus.PUTFAIL]: "Could not perform a database value put for that channel",
  [EcaStatus.ADDFAIL]: "Could not perform a database event add for that channel",
  [EcaStatus.BADCOUNT]: "Count requested inappropriate for that channel",
  [EcaStatus.BADSTR]: "The supplied string is unusually large",
  [EcaStatus.DISCONN]: "Virtual circuit disconnect",
  [EcaStatus.BADMASK]: "Invalid event selection mask",
  [EcaStatus.NORDACCESS]: "Read access denied",
  [EcaStatus.NOWTACCESS]: "Write access denied",
  [EcaStatus.NOCONVERT]: "No reasonable data conversion between client and server types",
  [EcaStatus.BADCHID]: "Invalid channel identifier",
  [EcaStatus.UNAVAILINSERV]: "Requested feature is no longer supported",
  [EcaStatus.BADPRIORITY]: "Invalid channel priority",
  [EcaStatus.UNRESPTMO]: "Virtual circuit unresponsive",
};

/** The EPICS name of an ECA code ("ECA_NORMAL"), or its number when unknown. */
export function ecaName(code: number): string {
  for (const [name, value] of Object.entries(EcaStatus)) if (value === code) return `ECA_${name}`;
  return `ECA_${code}`;
}

/** A human-readable text for an ECA code, prefixed by its name. */
export function ecaMessage(code: number): string {
  const text = MESSAGES[code];
  return text === undefined ? ecaName(code) : `${ecaName(code)}: ${text}`;
}

/** The severity bits of an ECA code say whether the code means success. */
export function ecaIsSuccess(code: number): boolean {
  return (code & 7) === SUCCESS || (code & 7) === INFO;
}
