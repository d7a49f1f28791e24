package io.github.mqttboot.autoconfigure;

import java.time.Duration;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;

/**
 * Binds {@code never} to {@link #NEVER} for properties marked {@link MqttNeverDuration}; every other value is parsed
 * the way Spring Boot parses durations ({@code 30s}, {@code 2m}, ISO-8601).
 */
final class NeverDurationConverter implements ConditionalGenericConverter {

	/** MQTT's "never expires": 0xFFFFFFFF seconds. */
	static final Duration NEVER = Duration.ofSeconds(0xFFFFFFFFL);

	@Override
	public Set<ConvertiblePair> getConvertibleTypes() {
		return Set.of(new ConvertiblePair(String.class, Duration.class));
	}

	@Override
	public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
		return targetType.hasAnnotation(MqttNeverDuration.class);
	}

	@Override
	public @Nullable Object convert(@Nullable Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
		if (source == null) {
			return null;
		}
		String text = source.toString().trim();
		if (text.isEmpty()) {
			return null;
		}
		if ("never".equalsIgnoreCase(text)) {
			return NEVER;
		}
		return DurationStyle.detectAndParse(text);
	}

}
