<?php
// Drives a PHP HTTP client through the steps of sequence.json from its own loopback address.
// Usage: php drive.php curl|curl-customrequest|stream <local address>
//   curl                : ext/curl, CURLOPT_FOLLOWLOCATION; POST with CURLOPT_POSTFIELDS (PHP's usual POST),
//                         PUT with CURLOPT_CUSTOMREQUEST 'PUT' + CURLOPT_POSTFIELDS (PHP's usual PUT)
//   curl-customrequest  : ext/curl, CURLOPT_FOLLOWLOCATION, CURLOPT_CUSTOMREQUEST for every method
//                         (a common way of writing a generic request helper)
//   curl-content-length : ext/curl, CURLOPT_FOLLOWLOCATION, CURLOPT_CUSTOMREQUEST for every method and an explicit
//                         'Content-Length: <n>' in CURLOPT_HTTPHEADER (a common PHP idiom)
//   stream              : file_get_contents() with an http stream context (follow_location defaults to 1)
// Default User-Agent (none for either) and default redirect handling; the local address is bound with
// CURLOPT_INTERFACE / the socket context's bindto. Errors are printed and the run goes on.
[$_, $client, $local] = $argv + [null, null, null];
$seq = json_decode(file_get_contents(__DIR__ . '/sequence.json'), true);

function send_curl($method, $url, $body, $local, $custom, $explicit_length = false) {
    $ch = curl_init($url);
    curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_FOLLOWLOCATION => true, CURLOPT_INTERFACE => $local]);
    if ($body !== null) {
        curl_setopt($ch, CURLOPT_POSTFIELDS, $body); // sets POST
        $headers = ['Content-Type: application/x-www-form-urlencoded'];
        if ($explicit_length) $headers[] = 'Content-Length: ' . strlen($body);
        curl_setopt($ch, CURLOPT_HTTPHEADER, $headers);
    }
    if ($custom || $method === 'PUT') curl_setopt($ch, CURLOPT_CUSTOMREQUEST, $method);
    $out = curl_exec($ch);
    $res = $out === false ? 'error: ' . curl_error($ch)
        : curl_getinfo($ch, CURLINFO_RESPONSE_CODE) . ' ' . curl_getinfo($ch, CURLINFO_EFFECTIVE_URL) . ' after ' . curl_getinfo($ch, CURLINFO_REDIRECT_COUNT) . ' redirects';
    curl_close($ch);
    return $res;
}

function send_stream($method, $url, $body, $local) {
    $http = ['method' => $method, 'ignore_errors' => true];
    if ($body !== null) { $http['content'] = $body; $http['header'] = "Content-Type: application/x-www-form-urlencoded\r\n"; }
    $ctx = stream_context_create(['http' => $http, 'socket' => ['bindto' => "$local:0"]]);
    $out = @file_get_contents($url, false, $ctx);
    if ($out === false) return 'error: ' . (error_get_last()['message'] ?? '?');
    $statuses = array_values(array_filter($http_response_header, fn($h) => str_starts_with($h, 'HTTP/')));
    return end($statuses) . ' (' . (count($statuses) - 1) . ' redirects)';
}

foreach ($seq['steps'] as $step) {
    [$method, $path] = [$step['method'], $step['path']];
    $body = ($method === 'POST' || $method === 'PUT') ? $seq['body'] : null;
    $url = $seq['base'] . $path;
    $res = match ($client) {
        'curl' => send_curl($method, $url, $body, $local, false),
        'curl-customrequest' => send_curl($method, $url, $body, $local, true),
        'curl-content-length' => send_curl($method, $url, $body, $local, true, true),
        'stream' => send_stream($method, $url, $body, $local),
    };
    printf("  php-%s@%s %s %s -> %s\n", $client, $local, $method, $path, $res);
    usleep(50000);
}
