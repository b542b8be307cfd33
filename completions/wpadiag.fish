# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_wpadiag_global_optspecs
    string join \n h/help V/version
end

function __fish_wpadiag_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_wpadiag_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_wpadiag_using_subcommand
    set -l cmd (__fish_wpadiag_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c wpadiag -n "__fish_wpadiag_needs_command" -s h -l help -d 'Print help'
complete -c wpadiag -n "__fish_wpadiag_needs_command" -s V -l version -d 'Print version'
complete -c wpadiag -n "__fish_wpadiag_needs_command" -f -a "analyze" -d 'Diagnose why a handshake fails, from captures and/or logs'
complete -c wpadiag -n "__fish_wpadiag_needs_command" -f -a "frames" -d 'List the decoded frames of a capture (handshake-relevant ones by default)'
complete -c wpadiag -n "__fish_wpadiag_needs_command" -f -a "psk" -d 'Print the PSK of a passphrase on a network, or check a PSK against it'
complete -c wpadiag -n "__fish_wpadiag_needs_command" -f -a "ie" -d 'Decode information elements given as hex'
complete -c wpadiag -n "__fish_wpadiag_needs_command" -f -a "completions" -d 'Print a completion script for a shell on standard output'
complete -c wpadiag -n "__fish_wpadiag_needs_command" -f -a "live" -d 'Watch a handshake happen on an interface and diagnose it'
complete -c wpadiag -n "__fish_wpadiag_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l ssid -d 'The network name, when the inputs do not show it (or to override)' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l bssid -d 'Only the link(s) of this AP' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l sta -d 'Only the link(s) of this station' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l format -d 'Output format' -r -f -a "text\t'For a terminal (colour when it is one)'
markdown\t'For a mailing-list or bug-tracker thread'
json\t'One JSON document (schema in the README)'"
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l color -d 'Colour: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l capture-side -d 'Whose interface an Ethernet (own-interface) capture was taken on' -r -f -a "station\t'The station\'s own interface (`tcpdump -i wlan0` on the client)'
ap\t'The access point\'s own interface'"
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l annotate -d 'Also write the (first) capture to OUT.pcapng with wpadiag\'s notes as packet comments: Wireshark shows them as frame.comment' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l passphrase -d 'The network passphrase (8 to 63 printable ASCII characters). On the command line it lands in shell history and `ps`: prefer WPADIAG_PASSPHRASE, --passphrase-file or --ask' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l psk -d 'The PSK as 64 hex digits (as `wpa_passphrase` prints it); used as the PMK' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l passphrase-file -d 'Read the passphrase from the first line of FILE (its line ending is not part of it). `-` reads standard input' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l config -d 'Take ssid and psk from a wpa_supplicant.conf: the network block whose ssid matches the capture\'s (or the only one with a psk)' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l redact -d 'Replace MAC addresses and SSIDs by stable pseudonyms'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -s v -l verbose -d 'Show everything: the timeline of every attempt (by default: the verdict\'s and the last ones), every row of a flood of alike frames and every piece of evidence (by default counted once past a few)'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l all-attempts -d 'Keep and analyse every attempt. By default, from a link\'s third attempt on, an attempt of a single capture whose findings equal a later attempt\'s is counted on that one and its frames are let go, so a day of traffic needs no more memory than an hour. The report lists what was counted where'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l no-typo-search -d 'Do not try typo variants of a passphrase that verifies nothing'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l each -d 'Analyse each file on its own and print one summary line per link (what a directory argument always does)'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -l ask -d 'Ask for the passphrase on the terminal, without echo'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand analyze" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand frames" -l format -d 'Output format: aligned text, or one JSON object per line' -r -f -a "text\t''
json\t''"
complete -c wpadiag -n "__fish_wpadiag_using_subcommand frames" -l all -d 'List every frame, not only the handshake-relevant ones'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand frames" -s h -l help -d 'Print help'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -l ssid -d 'Network name (SSID), as raw bytes. Repeat it to name other networks a PSK under --check may have been made for; the first is the network' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -l ssid-hex -d 'Network name as hex, for names that are not text (after any --ssid)' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -l check -d 'Say whether this 64-hex-digit PSK belongs to the passphrase on the network, and if not, whether it belongs to it on another name or to a typing variant of it (named by kind and position, never shown)' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -l capture -d 'Also try the network names seen in this capture (with --check/--config)' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -l passphrase -d 'The network passphrase (8 to 63 printable ASCII characters). On the command line it lands in shell history and `ps`: prefer WPADIAG_PASSPHRASE, --passphrase-file or --ask' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -l psk -d 'The PSK as 64 hex digits (as `wpa_passphrase` prints it); used as the PMK' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -l passphrase-file -d 'Read the passphrase from the first line of FILE (its line ending is not part of it). `-` reads standard input' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -l config -d 'Take ssid and psk from a wpa_supplicant.conf: the network block whose ssid matches the capture\'s (or the only one with a psk)' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -l ask -d 'Ask for the passphrase on the terminal, without echo'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand psk" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand ie" -l format -d 'Output format: one block of text per element, or one JSON array' -r -f -a "text\t''
json\t''"
complete -c wpadiag -n "__fish_wpadiag_using_subcommand ie" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l ssid -d 'The network name (for the key checks, and to explain an empty capture)' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l duration -d 'Stop after this many seconds' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l count -d 'Stop after this many captured frames' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l until -d 'Stop when a link\'s handshake completed or certainly failed' -r -f -a "done\t'A link\'s handshake completed, or failed with a certain finding'"
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l write -d 'Write the captured frames to FILE as pcapng (valid even when interrupted)' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l format -d 'Output format of the final report' -r -f -a "text\t'For a terminal (colour when it is one)'
markdown\t'For a mailing-list or bug-tracker thread'
json\t'One JSON document (schema in the README)'"
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l color -d 'Colour: auto (terminal and NO_COLOR unset), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l capture-side -d 'Whose interface a managed (Ethernet) interface is' -r -f -a "station\t'The station\'s own interface (`tcpdump -i wlan0` on the client)'
ap\t'The access point\'s own interface'"
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l wpa-ctrl -d 'wpa_supplicant\'s control socket (e.g. /var/run/wpa_supplicant/wlan0): its CTRL-EVENT-* messages are shown and merged into the timeline' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l channel -d 'With --monitor: the channel (2.4/5 GHz number, or a frequency like 5955MHz). Default: IFACE\'s current channel, else the channel of the network (--ssid) in the kernel\'s scan results' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l passphrase -d 'The network passphrase (8 to 63 printable ASCII characters). On the command line it lands in shell history and `ps`: prefer WPADIAG_PASSPHRASE, --passphrase-file or --ask' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l psk -d 'The PSK as 64 hex digits (as `wpa_passphrase` prints it); used as the PMK' -r
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l passphrase-file -d 'Read the passphrase from the first line of FILE (its line ending is not part of it). `-` reads standard input' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l config -d 'Take ssid and psk from a wpa_supplicant.conf: the network block whose ssid matches the capture\'s (or the only one with a psk)' -r -F
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l handshake-only -d 'With --write: only EAPOL, Authentication, (Re)Association, Deauthentication and Disassociation frames'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l redact -d 'Replace MAC addresses and SSIDs by stable pseudonyms (event lines too)'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l no-typo-search -d 'Do not try typo variants of a passphrase that verifies nothing'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l monitor -d 'Add a monitor interface to IFACE\'s radio and capture there (removed at the end): sees ACKs, retries, signal and deauthentications'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l no-fallback -d 'On a Wi-Fi station interface whose capture stays empty after it associates (EAPOL over nl80211\'s control port), do not fall back to a monitor interface on its radio'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -l ask -d 'Ask for the passphrase on the terminal, without echo'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand live" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand help; and not __fish_seen_subcommand_from analyze frames psk ie completions live help" -f -a "analyze" -d 'Diagnose why a handshake fails, from captures and/or logs'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand help; and not __fish_seen_subcommand_from analyze frames psk ie completions live help" -f -a "frames" -d 'List the decoded frames of a capture (handshake-relevant ones by default)'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand help; and not __fish_seen_subcommand_from analyze frames psk ie completions live help" -f -a "psk" -d 'Print the PSK of a passphrase on a network, or check a PSK against it'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand help; and not __fish_seen_subcommand_from analyze frames psk ie completions live help" -f -a "ie" -d 'Decode information elements given as hex'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand help; and not __fish_seen_subcommand_from analyze frames psk ie completions live help" -f -a "completions" -d 'Print a completion script for a shell on standard output'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand help; and not __fish_seen_subcommand_from analyze frames psk ie completions live help" -f -a "live" -d 'Watch a handshake happen on an interface and diagnose it'
complete -c wpadiag -n "__fish_wpadiag_using_subcommand help; and not __fish_seen_subcommand_from analyze frames psk ie completions live help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
