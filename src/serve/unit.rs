//! `provcat serve --print-unit systemd|launchd`: a unit file that runs the gateway as the
//! user, the way each init system expects its environment to be passed — systemd by
//! `Environment=` lines (and `ExecReload` sending `SIGHUP`, `TimeoutStopSec` above the drain
//! deadline), launchd by the plist's `EnvironmentVariables` dictionary. Only the config's
//! location is passed: keys stay in the `.env` beside the config (which provcat reads
//! itself), never in the unit.

use std::path::Path;
use std::time::Duration;

/// The init systems a unit can be printed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitSystem {
    /// A systemd user service (`~/.config/systemd/user/provcat.service`).
    Systemd,
    /// A launchd agent (`~/Library/LaunchAgents/dev.provcat.serve.plist`).
    Launchd,
}

/// What the unit runs.
#[derive(Clone, Debug)]
pub struct UnitSpec<'a> {
    /// The provcat executable.
    pub exe: &'a Path,
    /// The config file.
    pub config: &'a Path,
    /// The address.
    pub listen: &'a str,
    /// The drain deadline.
    pub drain: Duration,
}

/// The unit file text.
pub fn unit(init: InitSystem, spec: &UnitSpec<'_>) -> String {
    match init {
        InitSystem::Systemd => systemd(spec),
        InitSystem::Launchd => launchd(spec),
    }
}

/// A word of an `ExecStart=` line, quoted when it needs to be.
fn systemd_word(word: &str) -> String {
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-:+=@".contains(c))
    {
        word.to_string()
    } else {
        let escaped = word
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('%', "%%")
            .replace('$', "$$");
        format!("\"{escaped}\"")
    }
}

fn systemd(spec: &UnitSpec<'_>) -> String {
    let exe = systemd_word(&spec.exe.display().to_string());
    let config = systemd_word(&spec.config.display().to_string());
    let env_value = systemd_word(&format!("PROVCAT_CONFIG={}", spec.config.display()));
    format!(
        "# provcat serve as a systemd user service:\n\
         #   provcat serve --print-unit systemd > ~/.config/systemd/user/provcat.service\n\
         #   systemctl --user daemon-reload && systemctl --user enable --now provcat\n\
         # Keys: the .env beside the config (read by provcat), or `systemctl --user edit provcat`\n\
         # with Environment= lines. `systemctl --user reload provcat` re-reads the config.\n\
         [Unit]\n\
         Description=provcat serve: a gateway for Chat Completions and Messages clients\n\
         After=network-online.target\n\
         Wants=network-online.target\n\
         \n\
         [Service]\n\
         Type=exec\n\
         Environment={env_value}\n\
         ExecStart={exe} serve --listen {listen} --config {config}\n\
         ExecReload=/bin/kill -HUP $MAINPID\n\
         KillSignal=SIGTERM\n\
         TimeoutStopSec={stop}\n\
         Restart=on-failure\n\
         NoNewPrivileges=yes\n\
         \n\
         [Install]\n\
         WantedBy=default.target\n",
        listen = systemd_word(spec.listen),
        stop = spec.drain.as_secs() + 5,
    )
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn launchd(spec: &UnitSpec<'_>) -> String {
    let exe = xml(&spec.exe.display().to_string());
    let config = xml(&spec.config.display().to_string());
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!-- provcat serve as a launchd agent:\n\
         \x20    provcat serve --print-unit launchd > ~/Library/LaunchAgents/dev.provcat.serve.plist\n\
         \x20    launchctl load ~/Library/LaunchAgents/dev.provcat.serve.plist\n\
         \x20    Keys: the .env beside the config (read by provcat); launchd passes no login environment. -->\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n\
         <dict>\n\
         \x20 <key>Label</key>\n\
         \x20 <string>dev.provcat.serve</string>\n\
         \x20 <key>ProgramArguments</key>\n\
         \x20 <array>\n\
         \x20   <string>{exe}</string>\n\
         \x20   <string>serve</string>\n\
         \x20   <string>--listen</string>\n\
         \x20   <string>{listen}</string>\n\
         \x20   <string>--config</string>\n\
         \x20   <string>{config}</string>\n\
         \x20 </array>\n\
         \x20 <key>EnvironmentVariables</key>\n\
         \x20 <dict>\n\
         \x20   <key>PROVCAT_CONFIG</key>\n\
         \x20   <string>{config}</string>\n\
         \x20 </dict>\n\
         \x20 <key>RunAtLoad</key>\n\
         \x20 <true/>\n\
         \x20 <key>KeepAlive</key>\n\
         \x20 <dict>\n\
         \x20   <key>SuccessfulExit</key>\n\
         \x20   <false/>\n\
         \x20 </dict>\n\
         \x20 <key>ExitTimeOut</key>\n\
         \x20 <integer>{stop}</integer>\n\
         </dict>\n\
         </plist>\n",
        listen = xml(spec.listen),
        stop = spec.drain.as_secs() + 5,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(exe: &'a Path, config: &'a Path) -> UnitSpec<'a> {
        UnitSpec {
            exe,
            config,
            listen: "127.0.0.1:4000",
            drain: Duration::from_secs(30),
        }
    }

    #[test]
    fn systemd_quotes_odd_paths_and_reloads_with_sighup() {
        let exe = Path::new("/opt/my tools/provcat");
        let config = Path::new("/home/u/.config/provcat/config.toml");
        let text = unit(InitSystem::Systemd, &spec(exe, config));
        assert!(text.contains("ExecStart=\"/opt/my tools/provcat\" serve --listen 127.0.0.1:4000 --config /home/u/.config/provcat/config.toml\n"), "{text}");
        assert!(text.contains("Environment=PROVCAT_CONFIG=/home/u/.config/provcat/config.toml\n"));
        assert!(text.contains("ExecReload=/bin/kill -HUP $MAINPID"));
        assert!(text.contains("TimeoutStopSec=35"));
    }

    #[test]
    fn launchd_escapes_xml_and_passes_the_environment_in_its_dictionary() {
        let exe = Path::new("/Users/a&b/provcat");
        let config = Path::new("/Users/a&b/config <1>.toml");
        let text = unit(InitSystem::Launchd, &spec(exe, config));
        assert!(
            text.contains("<string>/Users/a&amp;b/provcat</string>"),
            "{text}"
        );
        assert!(text.contains("<key>PROVCAT_CONFIG</key>\n    <string>/Users/a&amp;b/config &lt;1&gt;.toml</string>"), "{text}");
        assert!(!text.contains("a&b"));
    }
}
