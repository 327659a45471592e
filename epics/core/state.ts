import type { Command, CommandClass } from "./commands/command.ts";
import { Direction } from "./commands/command.ts";
import {
  AccessRightsResponse,
  ClearChannelRequest,
  ClearChannelResponse,
  CreateChanRequest,
  CreateChanResponse,
  CreateChFailResponse,
  ServerDisconnResponse,
} from "./commands/channel.ts";
import {
  EventAddRequest,
  EventAddResponse,
  EventCancelRequest,
  EventCancelResponse,
  ReadNotifyRequest,
  ReadNotifyResponse,
  ReadRequest,
  ReadResponse,
  WriteNotifyRequest,
  WriteNotifyResponse,
  WriteRequest,
} from "./commands/data.ts";
import {
  ClientNameRequest,
  EchoRequest,
  EchoResponse,
  ErrorResponse,
  EventsOffRequest,
  EventsOnRequest,
  HostNameRequest,
  ReadSyncRequest,
  VersionRequest,
  VersionResponse,
} from "./commands/session.ts";
import { LocalProtocolError, RemoteProtocolError } from "./errors.ts";

/** Which end of a circuit we are. */
export const Role = { CLIENT: "client", SERVER: "server" } as const;
export type Role = (typeof Role)[keyof typeof Role];

export const CircuitState = {
  SEND_VERSION_REQUEST: "SEND_VERSION_REQUEST",
  AWAIT_VERSION_RESPONSE: "AWAIT_VERSION_RESPONSE",
  AWAIT_VERSION_REQUEST: "AWAIT_VERSION_REQUEST",
  SEND_VERSION_RESPONSE: "SEND_VERSION_RESPONSE",
  CONNECTED: "CONNECTED",
  DISCONNECTED: "DISCONNECTED",
} as const;
export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];

export const ChannelState = {
  /** Server side: the channel record exists only once its CREATE_CHAN request arrives. */
  IDLE: "IDLE",
  SEND_CREATE_CHAN_REQUEST: "SEND_CREATE_CHAN_REQUEST",
  AWAIT_CREATE_CHAN_RESPONSE: "AWAIT_CREATE_CHAN_RESPONSE",
  SEND_CREATE_CHAN_RESPONSE: "SEND_CREATE_CHAN_RESPONSE",
  CONNECTED: "CONNECTED",
  MUST_CLOSE: "MUST_CLOSE",
  CLOSED: "CLOSED",
} as const;
export type ChannelState = (typeof ChannelState)[keyof typeof ChannelState];

export type TransitionTable<S extends string> = Readonly<Record<Role, Readonly<Partial<Record<S, ReadonlyMap<CommandClass, S>>>>>>;

function stay<S extends string>(state: S, classes: readonly CommandClass[], extra: [CommandClass, S][] = []): ReadonlyMap<CommandClass, S> {
  return new Map<CommandClass, S>([...classes.map((c): [CommandClass, S] => [c, state]), ...extra]);
}

const C = CircuitState;
const CIRCUIT_TRAFFIC: CommandClass[] = [
  EchoRequest,
  EchoResponse,
  HostNameRequest,
  ClientNameRequest,
  EventsOffRequest,
  EventsOnRequest,
  ReadSyncRequest,
  ErrorResponse,
  CreateChanRequest,
  CreateChanResponse,
  CreateChFailResponse,
  AccessRightsResponse,
  ClearChannelRequest,
  ClearChannelResponse,
  ServerDisconnResponse,
  ReadNotifyRequest,
  ReadNotifyResponse,
  ReadRequest,
  ReadResponse,
  WriteRequest,
  WriteNotifyRequest,
  WriteNotifyResponse,
  EventAddRequest,
  EventAddResponse,
  EventCancelRequest,
  EventCancelResponse,
];

/**
 * Circuit rules, keyed by our role, then the circuit state, then the command class (sent or received: the
 * classes are direction-specific), giving the next state. A client may pipeline its host and client names
 * and channel creations behind its version request, as libca does.
 */
export const CIRCUIT_TRANSITIONS: TransitionTable<CircuitState> = {
  client: {
    [C.SEND_VERSION_REQUEST]: new Map<CommandClass, CircuitState>([[VersionRequest, C.AWAIT_VERSION_RESPONSE]]),
    [C.AWAIT_VERSION_RESPONSE]: stay(
      C.AWAIT_VERSION_RESPONSE,
      [HostNameRequest, ClientNameRequest, CreateChanRequest, EchoRequest, ErrorResponse],
      [[VersionResponse, C.CONNECTED]],
    ),
    [C.CONNECTED]: stay(C.CONNECTED, CIRCUIT_TRAFFIC),
    [C.DISCONNECTED]: new Map(),
  },
  server: {
    [C.AWAIT_VERSION_REQUEST]: new Map<CommandClass, CircuitState>([
      [VersionRequest, C.SEND_VERSION_RESPONSE],
      [ErrorResponse, C.AWAIT_VERSION_REQUEST],
    ]),
    // The client does not wait for our version before sending its names and channel creations.
    [C.SEND_VERSION_RESPONSE]: stay(
      C.SEND_VERSION_RESPONSE,
      [HostNameRequest, ClientNameRequest, CreateChanRequest, EchoRequest],
      [[VersionResponse, C.CONNECTED]],
    ),
    [C.CONNECTED]: stay(C.CONNECTED, CIRCUIT_TRAFFIC),
    [C.DISCONNECTED]: new Map(),
  },
};

const S = ChannelState;
const CLIENT_OPS: CommandClass[] = [
  ReadNotifyRequest,
  ReadNotifyResponse,
  ReadRequest,
  ReadResponse,
  WriteRequest,
  WriteNotifyRequest,
  WriteNotifyResponse,
  EventAddRequest,
  EventAddResponse,
  EventCancelRequest,
  EventCancelResponse,
  AccessRightsResponse,
  ErrorResponse,
];
// Replies to requests made before the clear may still arrive while the clear is in flight.
const LATE_REPLIES: CommandClass[] = [
  ReadNotifyResponse,
  ReadResponse,
  WriteNotifyResponse,
  EventAddResponse,
  EventCancelResponse,
  AccessRightsResponse,
  ErrorResponse,
];

/** Channel rules, keyed like CIRCUIT_TRANSITIONS. */
export const CHANNEL_TRANSITIONS: TransitionTable<ChannelState> = {
  client: {
    [S.SEND_CREATE_CHAN_REQUEST]: new Map<CommandClass, ChannelState>([[CreateChanRequest, S.AWAIT_CREATE_CHAN_RESPONSE]]),
    [S.AWAIT_CREATE_CHAN_RESPONSE]: stay(S.AWAIT_CREATE_CHAN_RESPONSE, [AccessRightsResponse], [
      [CreateChanResponse, S.CONNECTED],
      [CreateChFailResponse, S.CLOSED],
      [ErrorResponse, S.CLOSED],
      [ServerDisconnResponse, S.CLOSED],
    ]),
    [S.CONNECTED]: stay(S.CONNECTED, CLIENT_OPS, [
      [ClearChannelRequest, S.MUST_CLOSE],
      [ServerDisconnResponse, S.CLOSED],
    ]),
    [S.MUST_CLOSE]: stay(S.MUST_CLOSE, LATE_REPLIES, [
      [ClearChannelResponse, S.CLOSED],
      [ServerDisconnResponse, S.CLOSED],
    ]),
    [S.CLOSED]: new Map(),
  },
  server: {
    [S.IDLE]: new Map<CommandClass, ChannelState>([[CreateChanRequest, S.SEND_CREATE_CHAN_RESPONSE]]),
    [S.SEND_CREATE_CHAN_RESPONSE]: stay(S.SEND_CREATE_CHAN_RESPONSE, [AccessRightsResponse], [
      [CreateChanResponse, S.CONNECTED],
      [CreateChFailResponse, S.CLOSED],
      [ErrorResponse, S.CLOSED],
    ]),
    [S.CONNECTED]: stay(S.CONNECTED, CLIENT_OPS, [
      [ClearChannelRequest, S.MUST_CLOSE],
      [ServerDisconnResponse, S.CLOSED],
    ]),
    [S.MUST_CLOSE]: stay(S.MUST_CLOSE, [ErrorResponse], [[ClearChannelResponse, S.CLOSED]]),
    [S.CLOSED]: new Map(),
  },
};

/** The role that sends a command of this class. */
export function senderOf(cmd: Command): Role {
  return (cmd.constructor as unknown as CommandClass).direction === Direction.REQUEST ? Role.CLIENT : Role.SERVER;
}

/**
 * Looks up the next state. An illegal transition throws LocalProtocolError when we sent the command and
 * RemoteProtocolError when the peer did, naming the role, the state and the command.
 */
export function transition<S extends string>(
  table: TransitionTable<S>,
  what: string,
  role: Role,
  state: S,
  cmd: Command,
): S {
  const next = table[role][state]?.get(cmd.constructor as unknown as CommandClass);
  if (next !== undefined) return next;
  const sender = senderOf(cmd);
  const message = `${what} of role ${role} in state ${state} cannot ${sender === role ? "send" : "receive"} ${cmd.commandName}`;
  throw sender === role ? new LocalProtocolError(message) : new RemoteProtocolError(message);
}
