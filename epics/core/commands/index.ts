export { Command, Direction, Transport, type CommandClass } from "./command.ts";
export {
  AccessRightsResponse,
  ClearChannelRequest,
  ClearChannelResponse,
  CreateChanRequest,
  CreateChanResponse,
  CreateChFailResponse,
  ServerDisconnResponse,
} from "./channel.ts";
export {
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
} from "./data.ts";
export {
  NotFoundResponse,
  RepeaterConfirmResponse,
  RepeaterRegisterRequest,
  RsrvIsUpResponse,
  SearchRequest,
  SearchResponse,
} from "./discovery.ts";
export {
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
} from "./session.ts";
export { CommandRegistry, TCP_REQUESTS, TCP_RESPONSES, UDP_REQUESTS, UDP_RESPONSES } from "./registry.ts";
