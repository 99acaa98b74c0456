// Declarations whose C types the GIR cannot carry to Vala: Vala casts its
// string[] to the const strv of the C signature, and implements the
// dispatch vfuncs with their const GError. Each is skipped in
// CoapUdp6-1.0.metadata and declared here.
namespace CoapUdp6 {
	public sealed class Context : GLib.Object, CoapUdp6.MessageManager {
		[CCode (has_construct_function = false)]
		public Context.server ([CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? binds, [CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? multicast_interfaces) throws GLib.Error;
		[CCode (cname = "coap_udp6_context_new_server_async", has_construct_function = false)]
		public async Context.server_async ([CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? binds, [CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? multicast_interfaces, GLib.Cancellable? cancellable) throws GLib.Error;
	}
	public sealed class Message : GLib.Object {
		public void set_location_path ([CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? values);
		public void set_location_query ([CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? values);
		public void set_option_strv (uint number, [CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? values);
		public void set_uri_path ([CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? values);
		public void set_uri_query ([CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? values);
	}
	public sealed class MessageInterface : GLib.Object, GLib.AsyncInitable, GLib.Initable {
		[CCode (has_construct_function = false)]
		public MessageInterface.server (CoapUdp6.MessageManager manager, string? bind, [CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? multicast) throws GLib.Error;
		[CCode (cname = "coap_udp6_message_interface_new_server_async", has_construct_function = false)]
		public async MessageInterface.server_async (CoapUdp6.MessageManager manager, string? bind, [CCode (array_length = false, array_null_terminated = true, type = "const char* const*")] string[]? multicast, GLib.Cancellable? cancellable) throws GLib.Error;
	}
	public interface MessageManager : GLib.Object {
		public abstract void dispatch_error ([CCode (type = "const GError*")] GLib.Error error, CoapUdp6.EndpointAddress remote);
		public abstract void dispatch_message (CoapUdp6.Message message);
		public abstract void dispatch_unparsable (GLib.Bytes datagram, CoapUdp6.EndpointAddress remote, [CCode (type = "const GError*")] GLib.Error reason);
	}
}
