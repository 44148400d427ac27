// vigil-cli: the headless Vigil client.
#include "clioptions.h"
#include "commands.h"
#include "protocol/logging.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vigil"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));

    vigil::setUpLogging(/*quiet=*/true);

    int exitCode = 0;
    const auto options = vigil::cli::parseOptions(QCoreApplication::arguments(), &exitCode);
    if (!options)
        return exitCode;

    const QString &command = options->command;
    if (command == u"tail")
        return vigil::cli::runTail(*options);
    if (command == u"send")
        return vigil::cli::runSend(*options);
    if (command == u"flush")
        return vigil::cli::runFlush(*options);
    if (command == u"queue")
        return vigil::cli::runQueue(*options);
    if (command == u"diagnose")
        return vigil::cli::runDiagnose(*options);
    return vigil::cli::runHealth(*options);
}
