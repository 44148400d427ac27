#include "workerthread.h"

namespace vigil {

WorkerThread::WorkerThread(const QString &name)
    : m_thread(std::make_unique<QThread>())
    , m_context(new QObject)
{
    m_thread->setObjectName(name);
    m_context->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, m_context, &QObject::deleteLater);
    m_thread->start();
}

WorkerThread::~WorkerThread()
{
    m_thread->quit();
    m_thread->wait();
}

void WorkerThread::run(const std::function<void()> &function)
{
    if (QThread::currentThread() == m_thread.get()) {
        function();
        return;
    }
    QMetaObject::invokeMethod(m_context, function, Qt::BlockingQueuedConnection);
}

} // namespace vigil
