package org.nbstack.server.cli;

import picocli.CommandLine;

/** Gives every command the {@link Cli} it writes to. */
final class CliFactory implements CommandLine.IFactory {

    private final Cli cli;

    CliFactory(Cli cli) {
        this.cli = cli;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        try {
            return type.getDeclaredConstructor(Cli.class).newInstance(cli);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(type);
        }
    }
}
