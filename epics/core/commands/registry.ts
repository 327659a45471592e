import type { Command, CommandClass } from "./command.ts";
import { AccessRightsResponse, ClearChannelRequest, ClearChannelResponse, CreateChanRequest, CreateChanResponse, CreateChFailResponse, ServerDisconnResponse } from "./channel.ts";
import { EventAddRequest, EventAddResponse, EventCancelRequest, ReadNotifyRequest, ReadNotifyResponse, ReadRequest, ReadResponse, WriteNotifyRequest, WriteNotifyResponse, WriteRequest } from "./data.ts";
import { NotFoundResponse, RepeaterConfirmResponse, RepeaterRegisterRequest, RsrvIsUpResponse, SearchRequest, SearchResponse } from "./discovery.ts";
import { ClientNameRequest, EchoRequest, EchoResponse, ErrorResponse, EventsOffRequest, EventsOnRequest, HostNameRequest, ReadSyncRequest, VersionRequest, VersionResponse } from "./session.ts";

/** The command classes one side may receive on one transport, looked up by wire id. */
export class CommandRegistry {
  private readonly byId: (CommandClass | undefined)[] = [];

  constructor(
    readonly label: string,
    classes: readonly CommandClass[],
  ) {
    for (const cls of classes) {
      if (this.byId[cls.id] !== undefined) throw new TypeError(`${label}: two classes for command id ${cls.id}`);
      this.byId[cls.id] = cls;
    }
  }

  get(id: number): CommandClass | undefined {
    return this.byId[id];
  }

  get classes(): CommandClass[] {
    return this.byId.filter((c): c is CommandClass => c !== undefined);
  }
}

const tcpRequests: CommandClass[] = [
  VersionRequest,
  EventAddRequest,
  EventCancelRequest,
  ReadRequest,
  WriteRequest,
  EventsOffRequest,
  EventsOnRequest,
  ReadSyncRequest,
  ClearChannelRequest,
  ReadNotifyRequest,
  CreateChanRequest,
  WriteNotifyRequest,
  ClientNameRequest,
  HostNameRequest,
  EchoRequest,
  SearchRequest,
];

// EventAddResponse.decode returns an EventCancelResponse for the zero-length form that shares id 1.
const tcpResponses: CommandClass[] = [
  VersionResponse,
  EventAddResponse as CommandClass<Command>,
  ReadResponse,
  ErrorResponse,
  ClearChannelResponse,
  ReadNotifyResponse,
  CreateChanResponse,
  WriteNotifyResponse,
  AccessRightsResponse,
  EchoResponse,
  CreateChFailResponse,
  ServerDisconnResponse,
  SearchResponse,
];

/** What a server accepts on a TCP circuit. */
export const TCP_REQUESTS = new CommandRegistry("TCP client->server", tcpRequests);
/** What a client accepts on a TCP circuit. */
export const TCP_RESPONSES = new CommandRegistry("TCP server->client", tcpResponses);
/** What a server (or repeater) accepts in a UDP datagram. */
export const UDP_REQUESTS = new CommandRegistry("UDP client->server", [VersionRequest, SearchRequest, RepeaterRegisterRequest]);
/** What a client accepts in a UDP datagram. */
export const UDP_RESPONSES = new CommandRegistry("UDP server->client", [
  VersionResponse,
  SearchResponse,
  NotFoundResponse,
  RsrvIsUpResponse,
  RepeaterConfirmResponse,
  ErrorResponse,
]);
