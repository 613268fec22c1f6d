"""The channel layer the platform runs on: Redis pub/sub in tests and production."""

import pytest
from channels.layers import get_channel_layer

pytestmark = pytest.mark.channels


async def test_group_messages_travel_through_the_redis_layer(redis_url):
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisPubSubChannelLayer"
    receiver = await layer.new_channel()
    await layer.group_add("probe", receiver)

    await layer.group_send("probe", {"type": "probe.message", "text": "hallo"})
    message = await layer.receive(receiver)

    assert message == {"type": "probe.message", "text": "hallo"}
    await layer.group_discard("probe", receiver)
    await layer.flush()
