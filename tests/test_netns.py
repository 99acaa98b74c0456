#!/usr/bin/python3
# test_netns.py: multicast (ff02::fd%if, ff05::fd, 224.0.1.187) and a
# link-local destination between two network namespaces joined by a veth
# pair. Skips (exit 77) when namespaces cannot be created.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import subprocess
import sys

SKIP = 77
PORT = 5683


def run(*args, ns=None, check=True):
    cmd = (['ip', 'netns', 'exec', ns] if ns else []) + list(args)
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


# --- the two roles, each run inside its namespace -------------------------

def role_server(ifname):
    import gi
    gi.require_version('CoapUdp6', '1.0')
    from gi.repository import CoapUdp6, GLib, GObject

    class Manager(GObject.Object, CoapUdp6.MessageManager):
        def do_dispatch_message(self, message):
            remote = message.get_remote()
            try:
                local = remote.get_hostinfo_local()
            except GLib.Error as e:
                local = 'error: ' + e.message
            info = {'mid': message.get_mid(),
                    'remote': remote.get_hostinfo(),
                    'local': local,
                    'multicast_locally': remote.is_multicast_locally()}
            print(json.dumps(info), flush=True)
            reply = CoapUdp6.Message.new(CoapUdp6.MessageType.NON,
                                         CoapUdp6.Code.CONTENT)
            reply.set_mid(message.get_mid())
            reply.set_token(message.get_token().get_data())
            reply.set_payload(json.dumps(info).encode())
            reply.set_remote(remote.as_response_address())
            interface.send(reply)

        def do_dispatch_error(self, error, remote):
            print(json.dumps({'error': error.message}), flush=True)

    manager = Manager()
    interface = CoapUdp6.MessageInterface.new_server(
        manager, '[::]:%d' % PORT, [ifname])
    print('READY', flush=True)
    loop = GLib.MainLoop()
    GLib.timeout_add_seconds(20, loop.quit)
    loop.run()


def role_client(targets):
    import gi
    gi.require_version('CoapUdp6', '1.0')
    from gi.repository import CoapUdp6, GLib, GObject

    loop = GLib.MainLoop()
    replies = {}

    class Manager(GObject.Object, CoapUdp6.MessageManager):
        def do_dispatch_message(self, message):
            replies[message.get_mid()] = {
                'from': message.get_remote().get_hostinfo(),
                'server': json.loads(message.get_payload().get_data())}
            loop.quit()

        def do_dispatch_error(self, error, remote):
            replies.setdefault('errors', []).append(error.message)
            loop.quit()

    manager = Manager()
    client = CoapUdp6.MessageInterface.new_client(manager)
    results = {}
    for mid, target in enumerate(targets, start=1):
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.NON,
                                       CoapUdp6.Code.GET)
        request.set_mid(mid)
        request.set_token(bytes([mid]))
        request.set_unresolved_remote(target)
        holder = []

        def done(source, result):
            holder.append(source.determine_remote_finish(result))
            loop.quit()
        client.determine_remote_async(request, None, done)
        loop.run()
        request.set_remote(holder[0])
        timer = GLib.timeout_add(2000, loop.quit)
        client.send(request)
        loop.run()
        GLib.source_remove(timer) if mid in replies else None
        results[target] = replies.get(mid)
    results['errors'] = replies.get('errors', [])
    print(json.dumps(results), flush=True)


# --- the orchestrator ------------------------------------------------------

def setup(ns_a, ns_b, if_a, if_b):
    run('ip', 'netns', 'add', ns_a)
    run('ip', 'netns', 'add', ns_b)
    run('ip', 'link', 'add', if_a, 'netns', ns_a, 'type', 'veth',
        'peer', 'name', if_b, 'netns', ns_b)
    for ns, ifname, v6, v4 in ((ns_a, if_a, '1', '10.77.0.1'),
                               (ns_b, if_b, '2', '10.77.0.2')):
        run('ip', 'link', 'set', ifname, 'addrgenmode', 'none', ns=ns)
        run('ip', 'link', 'set', 'lo', 'up', ns=ns)
        run('ip', 'link', 'set', ifname, 'up', ns=ns)
        run('ip', 'addr', 'add', 'fe80::%s/64' % v6, 'dev', ifname,
            'nodad', ns=ns)
        run('ip', 'addr', 'add', 'fd00:77::%s/64' % v6, 'dev', ifname,
            'nodad', ns=ns)
        run('ip', 'addr', 'add', v4 + '/24', 'dev', ifname, ns=ns)
        run('ip', 'route', 'add', '224.0.0.0/4', 'dev', ifname, ns=ns)
        run('ip', '-6', 'route', 'add', 'ff05::/16', 'dev', ifname,
            'table', 'local', ns=ns, check=False)
    # The server host has a second address of each family.
    run('ip', 'addr', 'add', 'fd00:77::22/64', 'dev', if_b, 'nodad', ns=ns_b)
    run('ip', 'addr', 'add', '10.77.0.22/24', 'dev', if_b, ns=ns_b)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'server':
        return role_server(sys.argv[2])
    if len(sys.argv) > 1 and sys.argv[1] == 'client':
        return role_client(sys.argv[2:])

    tag = '%d' % (os.getpid() % 100000)
    ns_a, ns_b = 'coapu6-a-' + tag, 'coapu6-b-' + tag
    if_a, if_b = 'cu6a' + tag, 'cu6b' + tag
    probe = subprocess.run(['ip', 'netns', 'add', ns_a],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        print('SKIP: cannot create network namespaces: ' +
              probe.stderr.strip(), file=sys.stderr)
        return SKIP
    run('ip', 'netns', 'del', ns_a)
    server = None
    try:
        setup(ns_a, ns_b, if_a, if_b)
        me = os.path.abspath(__file__)
        server = subprocess.Popen(
            ['ip', 'netns', 'exec', ns_b, sys.executable, me, 'server', if_b],
            stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == 'READY'
        targets = ['[ff02::fd%%%s]' % if_a, '[ff05::fd%%%s]' % if_a,
                   '224.0.1.187', '[fe80::2%%%s]' % if_a, '10.77.0.2',
                   '[fd00:77::2]', '[ff05::fd]', '10.77.0.22',
                   '[fd00:77::22]']
        client = run(sys.executable, me, 'client', *targets, ns=ns_a)
        results = json.loads(client.stdout)
        print(json.dumps(results, indent=1))
        failures = []
        expect = {
            targets[0]: (True, '[fe80::1%{}]'.format(if_b)),
            targets[1]: (True, '[fd00:77::1]'),
            targets[2]: (True, '10.77.0.1'),
            targets[3]: (False, '[fe80::1%{}]'.format(if_b)),
            targets[4]: (False, '10.77.0.1'),
            targets[5]: (False, '[fd00:77::1]'),
            targets[6]: (True, '[fd00:77::1]'),
            targets[7]: (False, '10.77.0.1'),
            targets[8]: (False, '[fd00:77::1]'),
        }
        for target, (mc, client_host) in expect.items():
            got = results.get(target)
            if got is None:
                failures.append('%s: no reply' % target)
                continue
            server_view = got['server']
            if server_view['multicast_locally'] != mc:
                failures.append('%s: multicast_locally %s' %
                                (target, server_view['multicast_locally']))
            if not server_view['remote'].startswith(client_host + ':'):
                failures.append('%s: server saw %s' %
                                (target, server_view['remote']))
        # Unicast replies leave from the address the request reached.
        for target, local in ((targets[3], '[fe80::2%{}]'.format(if_a)),
                              (targets[4], '10.77.0.2'),
                              (targets[5], '[fd00:77::2]'),
                              (targets[7], '10.77.0.22'),
                              (targets[8], '[fd00:77::22]')):
            got = results.get(target)
            if got and (got['from'] != local or
                        not got['server']['local'].startswith(
                            local.replace(if_a, if_b))):
                failures.append('%s: reply from %s' % (target, got['from']))
        if results['errors']:
            failures.append('errors: %s' % results['errors'])
        for f in failures:
            print('FAIL: ' + f, file=sys.stderr)
        return 1 if failures else 0
    finally:
        if server is not None:
            server.kill()
            server.wait()
        for ns in (ns_a, ns_b):
            subprocess.run(['ip', 'netns', 'del', ns], capture_output=True)


if __name__ == '__main__':
    sys.exit(main())
