package io.omnicast.proxy.cli;

import io.omnicast.proxy.auth.AccountService;
import io.omnicast.proxy.auth.AuthException;
import io.omnicast.proxy.auth.CredentialCache;
import io.omnicast.proxy.auth.LoginThrottle;
import io.omnicast.proxy.auth.PasswordHasher;
import io.omnicast.proxy.auth.PasswordPolicy;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.proxy.directory.Account;
import io.omnicast.proxy.directory.DirectoryException;
import io.omnicast.proxy.directory.NodeDirectory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code omnicast proxy user add|remove|list}: account administration on the database, with the proxy stopped. */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "Manage accounts in the proxy's database (stop the proxy first: H2 locks its file).",
        subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.ListUsers.class})
public final class UserCommand implements Runnable {
    @ParentCommand
    ProxyCommand proxy;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of "
                + spec.subcommands().keySet());
    }

    NodeDirectory open() throws Exception {
        return NodeDirectory.open(proxy.dbPath());
    }

    ProxyConfig config() throws Exception {
        return proxy.configBuilder().build();
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create an account.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        UserCommand user;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "User name (3-32 letters, digits, '.', '_', '-').")
        String name;

        @Option(names = "--role", defaultValue = "viewer", paramLabel = "ROLE",
                description = "viewer (default) or origin (a streaming server).")
        String role;

        @Option(names = "--password", paramLabel = "PASSWORD",
                description = "The password (visible in the process list; without it, it is read from standard input).")
        String password;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            String secret = password;
            if (secret == null) {
                if (System.console() != null) {
                    char[] typed = System.console().readPassword("password for %s: ", name);
                    secret = typed == null ? null : new String(typed);
                } else {
                    secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                }
            }
            if (secret == null || secret.isEmpty()) {
                err.println("omnicast proxy user add: no password given");
                return 2;
            }
            ProxyConfig config = user.config();
            try (NodeDirectory directory = user.open()) {
                AccountService accounts = new AccountService(directory, new PasswordHasher(config.pbkdf2Iterations()),
                        new PasswordPolicy(config.passwordMinLength()),
                        new LoginThrottle(1, Duration.ofSeconds(1), Duration.ofSeconds(1), System::nanoTime),
                        new CredentialCache(Duration.ZERO, System::nanoTime));
                accounts.create(name, secret, role);
                spec.commandLine().getOut().println("added " + role + " account '" + name + "'");
                return 0;
            } catch (AuthException e) {
                err.println("omnicast proxy user add: " + e.getMessage());
                return 1;
            } catch (DirectoryException e) {
                err.println("omnicast proxy user add: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete an account.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        UserCommand user;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            try (NodeDirectory directory = user.open()) {
                if (!directory.removeAccount(name)) {
                    spec.commandLine().getErr().println("omnicast proxy user remove: no account '" + name + "'");
                    return 1;
                }
                spec.commandLine().getOut().println("removed account '" + name + "'");
                return 0;
            } catch (DirectoryException e) {
                spec.commandLine().getErr().println("omnicast proxy user remove: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts (never passwords).")
    static final class ListUsers implements Callable<Integer> {
        @ParentCommand
        UserCommand user;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (NodeDirectory directory = user.open()) {
                PrintWriter out = spec.commandLine().getOut();
                for (Account account : directory.listAccounts()) {
                    out.printf("%-32s %-7s %s%n", account.user(), account.role(), account.createdAt());
                }
                return 0;
            } catch (DirectoryException e) {
                spec.commandLine().getErr().println("omnicast proxy user list: " + e.getMessage());
                return 1;
            }
        }
    }
}
